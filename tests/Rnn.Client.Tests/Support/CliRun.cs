using Rnn.Client.Training;
using Rnn.Client.Commands;

namespace Rnn.Client.Tests.Support;

/// <summary>One in-process run of the real command line: exit code and everything it printed.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>Runs through the public entry point, exactly as Program.cs does (with redirected output).</summary>
    public static async Task<CliRun> Of(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs with a scripted trainer in place of the kernels' one.</summary>
    public static async Task<CliRun> WithRuns(ITrainingRunFactory runs, bool interactiveOutput, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(stdout, stderr, interactiveOutput), runs);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
