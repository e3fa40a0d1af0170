using System.CommandLine;
using System.Globalization;
using Rnn.Client.Console;
using Rnn.Client.Inference;
using Rnn.Client.Prediction;
using Rnn.Kernels.Compute;
using Rnn.Client;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn generate DIR --prime TEXT --length N</c>: samples text from a character model. The vocabulary comes from
/// model.safetensors' "vocabulary" metadata and the architecture from the job (--job, else DIR/job.json, else the
/// job saved in the model file, as <see cref="ModelFolder"/> reads it for predict and export), so the training corpus
/// is not needed. Prints the prime followed by N generated characters.
/// </summary>
internal sealed class GenerateCommand
{
    public const int MaxLength = 1_000_000;

    private readonly CliContext _context;
    private readonly Option<bool> _verbose;
    private readonly Argument<string> _folder = new("DIR") { Description = "Folder holding model.safetensors of a character model" };
    private readonly Option<string> _prime = new("--prime") { Description = "Text to start from", HelpName = "TEXT", Required = true };
    private readonly Option<int> _length = new("--length") { Description = "Characters to generate", HelpName = "N", Required = true };
    private readonly Option<double> _temperature = new("--temperature")
    {
        Description = "Sampling temperature: higher is more varied, 0 always takes the most likely character",
        HelpName = "T",
        DefaultValueFactory = _ => 1.0,
    };
    private readonly Option<ulong> _seed = new("--seed") { Description = "Seed of the sampling; same seed, same text", HelpName = "S" };
    private readonly Option<string?> _job = new("--job")
    {
        Description = "The job file the model was trained with [default: DIR/job.json, else the job saved in the model file]",
        HelpName = "JOB.json",
    };
    private readonly Option<bool> _json = new("--json") { Description = "One JSON object on stdout: prime, text, seed, temperature" };

    public GenerateCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _verbose = verbose;
        _length.Validators.Add(r => CommonOptions.RequireRange(r, 1, MaxLength));
        _temperature.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var t)
                && !(t >= 0 && double.IsFinite(t)))
                r.AddError($"--temperature must be 0 or more; got {r.Tokens[0].Value}");
        });
        _prime.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && r.Tokens[0].Value.Length == 0) r.AddError("--prime must not be empty");
        });
        Command = new Command("generate", "Generate text from a character model (downloaded or local)")
        {
            _folder, _prime, _length, _temperature, _seed, _job, _json,
        };
        Command.SetAction(Invoke);
    }

    public Command Command { get; }

    private int Invoke(ParseResult parse)
    {
        try
        {
            var saved = ModelFolder.Read(parse.GetValue(_folder)!, parse.GetValue(_job));
            if (!saved.TokenInput || !saved.Metadata.ContainsKey("vocabulary"))
                throw new CommandException(ExitCodes.DataError, $"{saved.ModelPath} is not a character model: it has no \"vocabulary\" metadata");
            var vocabulary = saved.Vocabulary();

            using var compute = new CpuCompute(1);
            var (model, parameters) = saved.Build(compute);
            var prime = parse.GetValue(_prime)!;
            var temperature = parse.GetValue(_temperature);
            var seed = parse.GetValue(_seed);
            var text = new CharacterGenerator(model, parameters, vocabulary).Generate(prime, parse.GetValue(_length), temperature, seed);
            if (parse.GetValue(_json))
            {
                JsonLines.Write(_context.Out, w =>
                {
                    w.WriteString("event", "generate");
                    w.WriteString("prime", prime);
                    w.WriteString("text", text);
                    w.WriteNumber("seed", seed);
                    w.WriteNumber("temperature", temperature);
                });
            }
            else
            {
                _context.Out.WriteLine(prime + text);
            }
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e, _context.Error, parse.GetValue(_verbose));
        }
    }
}
