using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Rnn.Client.Training;
using Rnn.Client;

namespace Rnn.Client.Commands;

/// <summary>
/// The <c>rnn</c> command line: builds the commands, parses, runs, and maps every failure to a documented exit code.
/// Program.cs only binds the real console; tests call <see cref="RunAsync(string[], TextWriter, TextWriter, bool)"/>
/// with string writers and get exactly what a user would see.
/// </summary>
public static class CliApp
{
    // After Ctrl+C the job stops at the end of the current step and the silos shut down; this bounds the wait.
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(30);

    /// <summary>Runs one command line and returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="interactiveOutput">True when <paramref name="stdout"/> is a terminal: enables the live progress bar.</param>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool interactiveOutput = false) =>
        RunAsync(args, new CliContext(stdout, stderr, interactiveOutput), new OrleansTrainingRunFactory());

    /// <param name="cancellation">Stands in for Ctrl+C in tests (the real one reaches commands through System.CommandLine).</param>
    internal static async Task<int> RunAsync(string[] args, CliContext context, ITrainingRunFactory runs,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var verbose = CommonOptions.Verbose();
        var root = BuildRoot(context, runs, verbose);
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            return ReportParseErrors(parse, context.Error);
        }

        var configuration = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            // Commands report their own failures with exit codes; this catches only what escapes them.
            EnableDefaultExceptionHandler = false,
            // A `rnn silo` child ignores Ctrl+C (its parent stops it once the job is cancelled); train handles it.
            ProcessTerminationTimeout = parse.CommandResult.Command.Name == "silo" ? null : ShutdownGrace,
        };
        try
        {
            return await parse.InvokeAsync(configuration, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e, context.Error, parse.GetValue(verbose));
        }
        finally
        {
            await context.Out.FlushAsync().ConfigureAwait(false);
            await context.Error.FlushAsync().ConfigureAwait(false);
        }
    }

    private static RootCommand BuildRoot(CliContext context, ITrainingRunFactory runs, Option<bool> verbose)
    {
        var root = new RootCommand("rnn: train recurrent neural networks (LSTM, GRU, simple RNN) locally or on a cluster, and check the kernels")
        {
            verbose,
            new TrainCommand(context, runs, verbose).Command,
            new GoldenCommand(context, verbose).Command,
            new BenchCommand(context, verbose).Command,
            new SubmitCommand(context, verbose).Command,
            new WatchCommand(context, verbose).Command,
            new JobsCommand(context, verbose).Command,
            new CancelCommand(context, verbose).Command,
            new DownloadCommand(context, verbose).Command,
            new EvalCommand(context, verbose).Command,
            new RunsCommand(context, verbose).Command,
            new PredictCommand(context, verbose).Command,
            new ExportCommand(context, verbose).Command,
            new GenerateCommand(context, verbose).Command,
            new SiloCommand().Command,
        };
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExitCodesHelpAction((HelpAction)help.Action!);
        return root;
    }

    // Usage errors are the caller's to fix: say what is wrong and where the help is, exit 2 (not the library's 1,
    // which means "the command ran and failed" here).
    private static int ReportParseErrors(ParseResult parse, TextWriter error)
    {
        foreach (var problem in parse.Errors)
        {
            error.WriteLine($"rnn: {problem.Message}");
        }
        var command = parse.CommandResult.Command;
        var name = command is RootCommand ? "rnn" : $"rnn {command.Name}";
        error.WriteLine($"Run '{name} --help' for usage.");
        return ExitCodes.Usage;
    }
}
