using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Client.Progress;

namespace Rnn.Client.Commands;

/// <summary>--quiet and --log-every, as train has them, for the commands that follow a job (submit --follow, watch).</summary>
internal sealed class ProgressOptions
{
    public ProgressOptions()
    {
        LogEvery.Validators.Add(r => CommonOptions.RequireRange(r, 1, int.MaxValue));
    }

    public Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "No live progress bar: plain lines every N steps (the default when output is redirected)",
    };

    public Option<int?> LogEvery { get; } = new("--log-every")
    {
        Description = "With plain output, print a line every N steps [default: about 50 lines per run]",
        HelpName = "N",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Quiet);
        command.Options.Add(LogEvery);
    }

    public TrainingProgress Create(CliContext context, ParseResult parse, bool json) =>
        TrainingProgressFactory.Create(context, json, parse.GetValue(Quiet), parse.GetValue(LogEvery));
}
