using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Client.Prediction;
using Rnn.Kernels.Compute;
using Rnn.Training.Export;

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
    private readonly Option<string?> _job = new("--job") { Description = "The job file the model was trained with [default: DIR/job.json, else the job saved in the model file]", HelpName = "JOB.json" };

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
            var saved = ModelFolder.Read(folder, parse.GetValue(_job));
            var spec = saved.Spec;

            using var compute = new CpuCompute(1);
            var (model, parameters) = saved.Build(compute);
            var output = parse.GetValue(_onnx)!;
            var lengths = saved.VariableLength;
            File.WriteAllBytes(output, OnnxExporter.Export(model, parameters, spec.Name, lengths));
            var input = (saved.TokenInput ? "[time, batch] int64 token ids" : $"[time, batch, {saved.InputSize}] float")
                + (lengths ? ", lengths [batch] int32" : "");
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
