using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Client.Prediction;
using Rnn.Kernels.Compute;
using Rnn.Training.Jobs;
using Rnn.Training.Prediction;
using Rnn.Training.Runs;
using Rnn.Training.Safetensors;
using Rnn.Training.Steps;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn predict DIR DATA</c>: the model in DIR (a run folder, or a folder rnn download wrote) applied to DATA read
/// as the job's data kind: classes with their probabilities, forecasts in the data's units, or a character model's
/// next character after each window, as CSV or JSON lines.
/// The job (layers and data kind) is --job, else DIR/job.json.
/// </summary>
internal sealed class PredictCommand
{
    private readonly CliContext _context;
    private readonly Option<bool> _verbose;
    private readonly Argument<string> _folder = new("DIR") { Description = "Folder holding model.safetensors (a run folder, or rnn download's -o)" };
    private readonly Argument<string> _data = new("DATA") { Description = "The data to predict on: an MNIST IDX folder (mnist-rows), a CSV file (csv) or a text file (text)" };
    private readonly Option<string?> _job = new("--job") { Description = "The job file the model was trained with [default: DIR/job.json]", HelpName = "JOB.json" };
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
        Command = new Command("predict", "Predict with a trained model on new data: classes with probabilities, or forecasts")
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
            var modelPath = Path.Combine(folder, "model.safetensors");
            var jobPath = parse.GetValue(_job) ?? Path.Combine(folder, "job.json");
            if (parse.GetValue(_job) is null && !File.Exists(jobPath))
                throw new CommandException(ExitCodes.Usage, $"{jobPath} does not exist: pass the model's job file with --job JOB.json");
            var spec = JobSpecParser.Load(jobPath);
            var file = SafetensorsFile.Read(modelPath);
            var input = PredictionInput.Read(spec.Data, parse.GetValue(_data)!, parse.GetValue(_split)!, file.Metadata, parse.GetValue(_limit));

            using var compute = new CpuCompute(parse.GetValue(_threads));
            var text = input.Kind == PredictionKind.NextCharacter;
            var layers = ResolvedLayer.From((text ? spec.WithVocabularySize(input.Vocabulary!.Size) : spec).Model);
            var model = TrainingSetup.BuildModel(layers, text ? input.Vocabulary!.Size : input.Samples.Features, text, compute);
            var parameters = ModelFile.ReadParameters(modelPath, model.Layout);
            var outputs = SamplePredictor.Run(model, parameters, input.Samples);

            var output = parse.GetValue(_output);
            var jsonLines = parse.GetValue(_format) is { } format
                ? format == "jsonl"
                : output is not null && (output.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || output.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
            if (output is null)
            {
                PredictionWriter.Write(_context.Out, input, outputs, model.OutputSize, jsonLines);
            }
            else
            {
                using (var writer = new StreamWriter(output))
                    PredictionWriter.Write(writer, input, outputs, model.OutputSize, jsonLines);
                _context.Error.WriteLine($"wrote {Path.GetFullPath(output)}: {input.Samples.Count} predictions");
            }
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e, _context.Error, parse.GetValue(_verbose));
        }
    }
}
