using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Rnn.Client.Local;

namespace Rnn.Client.Commands;

/// <summary>
/// Hidden `rnn silo`: one silo of a `rnn train --silos N` cluster, started by the train command in its own process.
/// It runs until its standard input closes (the parent ended, however it ended) and ignores Ctrl+C, which the
/// terminal also sends to it: the parent cancels the job first and then stops its silos.
/// </summary>
internal sealed class SiloCommand
{
    private readonly Option<string> _name = new("--name") { Required = true };
    private readonly Option<int> _port = new("--port") { Required = true };
    private readonly Option<int> _gatewayPort = new("--gateway-port") { Required = true };
    private readonly Option<int> _primaryPort = new("--primary-port") { Required = true };
    private readonly Option<string> _clusterId = new("--cluster-id") { Required = true };
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string> _runsRoot = new("--runs-root") { Required = true };

    public SiloCommand()
    {
        Command = new Command("silo", "Run one silo of a local cluster (started by 'rnn train --silos N')")
        {
            _name, _port, _gatewayPort, _primaryPort, _clusterId, _threads, _runsRoot,
        };
        Command.Hidden = true;
        Command.SetAction(InvokeAsync);
    }

    public Command Command { get; }

    private async Task<int> InvokeAsync(ParseResult parse, CancellationToken cancellation)
    {
        using var ignoreInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        var settings = new SiloSettings(parse.GetRequiredValue(_name), parse.GetValue(_port), parse.GetValue(_gatewayPort),
            parse.GetValue(_primaryPort), parse.GetRequiredValue(_clusterId), parse.GetValue(_threads),
            parse.GetRequiredValue(_runsRoot));
        using var host = LocalSiloHost.Build(settings);
        await host.StartAsync(CancellationToken.None).ConfigureAwait(false);
        using (var input = System.Console.OpenStandardInput())
        {
            await input.CopyToAsync(Stream.Null, CancellationToken.None).ConfigureAwait(false);
        }
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await host.StopAsync(stopping.Token).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
