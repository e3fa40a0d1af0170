using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Rnn.Client.Commands;

/// <summary>
/// The standard help, followed by the exit-code table: scripts need the codes, and --help is where people look.
/// </summary>
internal sealed class ExitCodesHelpAction(HelpAction standardHelp) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var code = standardHelp.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine("Exit codes:");
        foreach (var (exitCode, meaning) in ExitCodes.Table)
        {
            output.WriteLine($"  {exitCode,-5}{meaning}");
        }
        output.WriteLine();
        return code;
    }
}
