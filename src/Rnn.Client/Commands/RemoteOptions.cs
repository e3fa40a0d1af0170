using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Client.Remote;
using Rnn.Client;
using Rnn.Contracts.Clients;

namespace Rnn.Client.Commands;

/// <summary>
/// The options every cluster command shares (--endpoint, --token, --json), how they become a connected
/// <see cref="ITrainingClient"/>, and how a failure becomes a message, a --json error event and an exit code.
/// </summary>
internal sealed class RemoteOptions(CliContext context, Option<bool> verbose)
{
    public const string EndpointVariable = "RNN_ENDPOINT";
    public const string TokenVariable = "RNN_TOKEN";

    public Option<string?> Endpoint { get; } = new("--endpoint")
    {
        Description = $"The silo's gRPC URL, e.g. http://host:5080 or https://host:5080 (TLS) [default: env {EndpointVariable}]",
        HelpName = "URL",
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"Bearer token from the silo's tokens file [default: env {TokenVariable}]",
        HelpName = "T",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Machine-readable output on stdout: one JSON object per line",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Endpoint);
        command.Options.Add(Token);
        command.Options.Add(Json);
    }

    /// <summary>The endpoint in the URL form the gRPC client needs; a missing or malformed one is a usage error (exit 2).</summary>
    public (ITrainingClient Client, string Endpoint) Connect(ParseResult parse)
    {
        var text = parse.GetValue(Endpoint) ?? Environment.GetEnvironmentVariable(EndpointVariable);
        if (string.IsNullOrWhiteSpace(text))
            throw new CommandException(ExitCodes.Usage, $"no cluster given: pass --endpoint URL or set {EndpointVariable}");
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new CommandException(ExitCodes.Usage, $"--endpoint '{text}' is not an http:// or https:// URL (e.g. http://localhost:5080)");
        var token = parse.GetValue(Token) ?? Environment.GetEnvironmentVariable(TokenVariable);
        return (new GrpcTrainingClient(uri, string.IsNullOrWhiteSpace(token) ? null : token.Trim()), uri.ToString().TrimEnd('/'));
    }

    /// <summary>Runs a command's body; any failure is reported on stderr (and as a --json error event) with its exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<Task<int>> body, Action<ErrorReport>? reportJson = null)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var report = ErrorReporter.Describe(e, parse.GetValue(verbose));
            if (reportJson is not null) reportJson(report);
            else if (parse.GetValue(Json)) JsonLines.Write(context.Out, w =>
            {
                w.WriteString("event", "error");
                w.WriteNumber("exit_code", report.ExitCode);
                w.WriteString("message", report.Message);
            });
            context.Error.WriteLine(report.Message);
            return report.ExitCode;
        }
    }
}
