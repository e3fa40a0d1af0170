using System.Diagnostics;
using System.Globalization;

namespace Rnn.Client.Local;

/// <summary>
/// One silo of a local cluster in its own process: the `rnn` binary re-executed with the hidden `silo` command.
/// Its standard input is a pipe from this process; the child stops when the pipe closes, so it ends with the CLI
/// even when the CLI is killed and cannot clean up.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;

    private SiloProcess(SiloSettings settings, Process process)
    {
        Settings = settings;
        _process = process;
    }

    public SiloSettings Settings { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static SiloProcess Start(SiloSettings settings)
    {
        var (program, prefix) = RnnExecutable();
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        foreach (var arg in prefix) start.ArgumentList.Add(arg);
        foreach (var arg in SiloCommandArguments(settings)) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        return new SiloProcess(settings, process);
    }

    /// <summary>Crashes the silo: no shutdown, no goodbye to the cluster, as a power cut would.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    private static IEnumerable<string> SiloCommandArguments(SiloSettings s)
    {
        static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
        return
        [
            "silo", "--name", s.Name, "--port", N(s.SiloPort), "--gateway-port", N(s.GatewayPort),
            "--primary-port", N(s.PrimarySiloPort ?? s.SiloPort), "--cluster-id", s.ClusterId,
            "--threads", N(s.ComputeThreads), "--runs-root", s.RunsRoot,
        ];
    }

    // The running `rnn` apphost when there is one; otherwise (`dotnet rnn.dll`, a test host) the dotnet host with
    // rnn.dll, found next to this assembly.
    private static (string Program, string[] Prefix) RnnExecutable()
    {
        var assembly = typeof(SiloProcess).Assembly.Location;
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "rnn") return (current, []);
        var dotnet = current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
        return (dotnet, ["exec", assembly]);
    }
}
