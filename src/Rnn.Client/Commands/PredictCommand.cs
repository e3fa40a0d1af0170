using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Client.Prediction;
using Rnn.Kernels.Compute;
using Rnn.Training.Jobs;
using Rnn.Training.Prediction;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn predict DIR DATA</c>: the model in DIR (a run folder, or a folder rnn download wrote) applied to DATA read
/// as the job's data kind: classes with their probabilities, forecasts in the data's units, or a character model's
/// next character after each window, and for the sequence kinds (numpy, table, series, text_column) named classes or
/// values per sequence or per step, as CSV or JSON lines. The job (layers and data description) is --job, else
/// DIR/job.json, else the one saved in model.safetensors (<see cref="ModelFolder"/>).
/// </summary>
internal sealed class PredictCommand
{
    private readonly CliContext _context;
    private readonly Option<bool> _verbose;
    private readonly Argument<string> _folder = new("DIR") { Description = "Folder holding model.safetensors (a run folder, or rnn download's -o)" };
    private readonly Argument<string> _data = new("DATA") { Description = "The data to predict on, the same kind of file as training (docs/cli.md): an IDX folder, CSV/Parquet table, .npz/.npy, or text file" };
    private readonly Option<string?> _job = new("--job") { Description = "The job file the model was trained with [default: DIR/job.json, else the job saved in the model file]", HelpName = "JOB.json" };
    private readonly Option<string?> _output = new("--output", "-o") { Description = "Write the predictions to FILE [default: stdout]", HelpName = "FILE" };
    private readonly Option<string?> _format = new("--format")
    {
        Description = "csv or jsonl [default: jsonl when FILE ends in .jsonl or .json, else csv]",
        HelpName = "FORMAT",
    };
    private readonly Option<string> _split = new("--split") { Description = "mnist-rows: which split's IDX files to read", DefaultValueFactory = _ => "test" };
    private readonly Option<int?> _limit = new("--limit") { Description = "Only the first N samples", HelpName = "N" };
    private readonly Option<int> _threads = CommonOptions.Threads();

    public PredictCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _verbose = verbose;
        _format.AcceptOnlyFromAmong("csv", "jsonl");
        _split.AcceptOnlyFromAmong("test", "train");
        _limit.Validators.Add(r => CommonOptions.RequireRange(r, 1, int.MaxValue));
        Command = new Command("predict", "Predict with a trained model on new data: classes with probabilities, values in the data's units, or forecasts")
        {
            _folder, _data, _job, _output, _format, _split, _limit, _threads,
        };
        Command.SetAction(Invoke);
    }

    public Command Command { get; }

    private int Invoke(ParseResult parse)
    {
        try
        {
            var folder = parse.GetValue(_folder)!;
            var saved = ModelFolder.Read(folder, parse.GetValue(_job));
            var spec = saved.Spec;
            var data = parse.GetValue(_data)!;
            var limit = parse.GetValue(_limit);

            using var compute = new CpuCompute(parse.GetValue(_threads));
            var (model, parameters) = saved.Build(compute);
            Action<TextWriter, bool> write;
            int count;
            if (spec.Data.Kind is DataKinds.MnistRows or DataKinds.Csv or DataKinds.Text)
            {
                var input = PredictionInput.Read(spec.Data, data, parse.GetValue(_split)!, saved.Metadata, limit);
                var outputs = SamplePredictor.Run(model, parameters, input.Samples);
                write = (w, json) => PredictionWriter.Write(w, input, outputs, model.OutputSize, json);
                count = input.Samples.Count;
            }
            else
            {
                var input = SequencePredictionInput.Read(saved, data, model.OutputSize, limit);
                var outputs = SamplePredictor.RunAll(model, parameters, input.Samples);
                write = (w, json) => SequencePredictionWriter.Write(w, input, outputs, model.OutputSize, json);
                count = input.Samples.Count;
            }

            var output = parse.GetValue(_output);
            var jsonLines = parse.GetValue(_format) is { } format
                ? format == "jsonl"
                : output is not null && (output.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || output.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
            if (output is null)
            {
                write(_context.Out, jsonLines);
            }
            else
            {
                using (var writer = new StreamWriter(output))
                    write(writer, jsonLines);
                _context.Error.WriteLine($"wrote {Path.GetFullPath(output)}: {count} predictions");
            }
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e, _context.Error, parse.GetValue(_verbose));
        }
    }
}
