using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Kernels.Compute;
using Rnn.Training.Export;
using Rnn.Training.Jobs;
using Rnn.Training.Runs;
using Rnn.Training.Safetensors;
using Rnn.Training.Steps;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn export DIR --onnx FILE</c>: the model in DIR (a run folder or a download) as an ONNX model on ONNX's own
/// LSTM/GRU/RNN operators (<see cref="OnnxExporter"/>). The layers come from --job, else DIR/job.json; the input
/// width from the model file itself, so no data is needed.
/// </summary>
internal sealed class ExportCommand
{
    private readonly CliContext _context;
    private readonly Option<bool> _verbose;
    private readonly Argument<string> _folder = new("DIR") { Description = "Folder holding model.safetensors (a run folder, or rnn download's -o)" };
    private readonly Option<string> _onnx = new("--onnx") { Description = "Write the model as ONNX (opset 14) to FILE", HelpName = "FILE", Required = true };
    private readonly Option<string?> _job = new("--job") { Description = "The job file the model was trained with [default: DIR/job.json]", HelpName = "JOB.json" };

    public ExportCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _verbose = verbose;
        Command = new Command("export", "Export a trained model to ONNX") { _folder, _onnx, _job };
        Command.SetAction(Invoke);
    }

    public Command Command { get; }

    private int Invoke(ParseResult parse)
    {
        try
        {
            var folder = parse.GetValue(_folder)!;
            var modelPath = Path.Combine(folder, "model.safetensors");
            var jobPath = parse.GetValue(_job) ?? Path.Combine(folder, "job.json");
            if (parse.GetValue(_job) is null && !File.Exists(jobPath))
                throw new CommandException(ExitCodes.Usage, $"{jobPath} does not exist: pass the model's job file with --job JOB.json");
            var spec = JobSpecParser.Load(jobPath);
            var file = SafetensorsFile.Read(modelPath);
            // The first layer's weight says how wide the input is: the vocabulary of a text model, else features per step.
            var tokenInput = file.TryGet("embedding.weight", out var embedding);
            var inputSize = tokenInput ? embedding.Shape[0]
                : file.TryGet("weight_ih_l0", out var first) ? first.Shape[1]
                : throw new CommandException(ExitCodes.DataError, $"{modelPath} has neither embedding.weight nor weight_ih_l0: it is not a model rnn wrote");
            var layers = ResolvedLayer.From((tokenInput ? spec.WithVocabularySize(inputSize) : spec).Model);

            using var compute = new CpuCompute(1);
            var model = TrainingSetup.BuildModel(layers, inputSize, tokenInput, compute);
            var parameters = ModelFile.ReadParameters(modelPath, model.Layout);
            var output = parse.GetValue(_onnx)!;
            File.WriteAllBytes(output, OnnxExporter.Export(model, parameters, spec.Name));
            var input = tokenInput ? "[time, batch] int64 token ids" : $"[time, batch, {inputSize}] float";
            var result = model.SequenceOutput ? $"[time, batch, {model.OutputSize}]" : $"[batch, {model.OutputSize}]";
            _context.Out.WriteLine($"wrote {Path.GetFullPath(output)}: input {input} -> output {result}");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e, _context.Error, parse.GetValue(_verbose));
        }
    }
}
