using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Kernels.Compute;
using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.Runs;
using Rnn.Training.Steps;
using Rnn.Client.Progress;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn eval DIR JOB.json</c>: the test-split metrics of DIR/model.safetensors (downloaded, or a local run folder)
/// under the job's data and architecture, computed exactly as the job grain computes them, so a downloaded model
/// gives its summary's test metrics to the last digit. Also prints the parameters' SHA-256.
/// </summary>
internal sealed class EvalCommand
{
    private readonly CliContext _context;
    private readonly Option<bool> _verbose;
    private readonly Argument<string> _folder = new("DIR") { Description = "Folder holding model.safetensors (rnn download's -o, or a run folder)" };
    private readonly Argument<string> _job = new("JOB.json") { Description = "The job file the model was trained with (data and architecture)" };
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<bool> _json = new("--json") { Description = "One JSON object on stdout: metrics and parameters_sha256" };

    public EvalCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _verbose = verbose;
        Command = new Command("eval", "Test-split metrics of a downloaded or local model") { _folder, _job, _threads, _json };
        Command.SetAction(Invoke);
    }

    public Command Command { get; }

    private int Invoke(ParseResult parse)
    {
        try
        {
            var jobPath = parse.GetValue(_job)!;
            var modelPath = Path.Combine(parse.GetValue(_folder)!, "model.safetensors");
            // The model's own weights are evaluated: a fine-tuning job's init_from is neither needed nor read.
            var spec = JobSpecParser.Load(jobPath) with { InitFrom = null };
            var setup = TrainingSetup.Load(spec, Path.GetDirectoryName(Path.GetFullPath(jobPath)));
            using var compute = new CpuCompute(parse.GetValue(_threads));
            var layout = setup.CreateModel(compute).Layout;
            var parameters = ModelFile.ReadParameters(modelPath, layout);
            var metrics = new TestEvaluator(setup, compute).Evaluate(parameters).Metrics;
            var hash = ParameterHash.Sha256(layout, parameters);
            if (parse.GetValue(_json))
            {
                JsonLines.Write(_context.Out, w =>
                {
                    w.WriteString("event", "eval");
                    w.WriteString("model", Path.GetFullPath(modelPath));
                    JsonLines.Metrics(w, "metrics", metrics);
                    w.WriteString("parameters_sha256", hash);
                });
            }
            else
            {
                _context.Out.WriteLine($"test {DisplayFormat.Metrics(new EvaluationReport(0, metrics))}");
                _context.Out.WriteLine(DisplayFormat.Hash(hash));
            }
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e, _context.Error, parse.GetValue(_verbose));
        }
    }
}
