using System.CommandLine;
using System.Globalization;
using Rnn.Client.Console;
using Rnn.Silo.Hosting;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn runs [--out DIR]</c>: the runs kept under a local runs folder, earlier runs of a name first and its latest
/// (the one in DIR/&lt;name&gt;/) last: name, run id, state, steps, parameters_sha256 and folder.
/// </summary>
internal sealed class RunsCommand
{
    private readonly CliContext _context;
    private readonly Option<bool> _verbose;
    private readonly Option<string?> _out = new("--out")
    {
        Description = $"The runs folder that rnn train --out wrote [default: {TrainCommand.DefaultRunsFolder}]",
        HelpName = "DIR",
    };
    private readonly Option<bool> _json = new("--json") { Description = "One JSON object per run on stdout" };

    public RunsCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _verbose = verbose;
        Command = new Command("runs", "List the runs kept in a runs folder: name, run id, state, steps, parameters_sha256") { _out, _json };
        Command.SetAction(Invoke);
    }

    public Command Command { get; }

    private int Invoke(ParseResult parse)
    {
        try
        {
            var root = Path.GetFullPath(parse.GetValue(_out) ?? TrainCommand.DefaultRunsFolder);
            var runs = RunListing.Scan(root);
            if (parse.GetValue(_json))
            {
                foreach (var run in runs) JsonLines.Write(_context.Out, w => WriteJson(w, run));
            }
            else if (runs.Count == 0)
            {
                _context.Out.WriteLine($"no runs in {root}");
            }
            else
            {
                _context.Out.WriteLine($"{"NAME",-24}  {"RUN ID",-32}  {"STATE",-10}  {"STEPS",7}  {"PARAMETERS_SHA256",-64}  FOLDER");
                foreach (var run in runs)
                {
                    var steps = run.Steps?.ToString(CultureInfo.InvariantCulture) ?? "-";
                    var folder = Path.GetRelativePath(root, run.Path) + (run.Latest ? " (latest)" : "");
                    _context.Out.WriteLine($"{run.Name,-24}  {run.RunId,-32}  {run.State,-10}  {steps,7}  {run.ParametersSha256 ?? "-",-64}  {folder}");
                }
            }
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e, _context.Error, parse.GetValue(_verbose));
        }
    }

    private static void WriteJson(System.Text.Json.Utf8JsonWriter w, ListedRun run)
    {
        w.WriteString("event", "run");
        w.WriteString("name", run.Name);
        w.WriteString("run_id", run.RunId);
        w.WriteString("state", run.State);
        if (run.Steps is { } steps) w.WriteNumber("steps", steps);
        else w.WriteNull("steps");
        if (run.ParametersSha256 is { } hash) w.WriteString("parameters_sha256", hash);
        else w.WriteNull("parameters_sha256");
        w.WriteString("folder", run.Path);
        w.WriteBoolean("latest", run.Latest);
    }
}
