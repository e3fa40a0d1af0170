using Spectre.Console;
using Rnn.Client.Progress;

namespace Rnn.Client.Console;

/// <summary>Picks the display: --json wins, then plain lines when --quiet or stdout is not a terminal, else live.</summary>
internal static class TrainingProgressFactory
{
    public static TrainingProgress Create(CliContext context, bool json, bool quiet, int? logEvery)
    {
        if (json) return new JsonProgressWriter(context.Out);
        if (quiet || !context.InteractiveOutput) return new PlainProgressWriter(context.Out, logEvery);

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Out),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Yes,
        });
        return new LiveProgressDisplay(console);
    }
}
