using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Rnn.Api.Tests.Support;
using Rnn.Silo.Server;

namespace Rnn.Api.Tests;

/// <summary>Settings that stop the silo before it starts: a message naming the setting, a non-zero exit code, no stack trace.</summary>
public sealed class SiloStartupTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rnn-silo-start-" + Guid.NewGuid().ToString("N")[..8]);

    public SiloStartupTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_silo_process_refuses_to_start_without_a_tokens_file()
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "Rnn.Silo.dll");
        var ports = FreePorts.Take(3);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { silo, "--runs", Path.Combine(_folder, "runs"), "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--grpc-port", $"{ports[2]}" },
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(SiloProgram.ExitBadSettings, process.ExitCode);
        var message = await stderr;
        Assert.Contains("--tokens", message, StringComparison.Ordinal);
        Assert.Contains("--insecure-dev", message, StringComparison.Ordinal);
        AssertNoStackTrace(message + await stdout);
    }

    [Fact]
    public async Task A_malformed_tokens_file_stops_the_silo_naming_the_line()
    {
        var tokens = Path.Combine(_folder, "tokens.txt");
        await File.WriteAllTextAsync(tokens, "# tenants\nalpha-token-0123456789 alpha\nonly-one-word-here-0123\n");
        var (code, error) = await RunAsync("--tokens", tokens);
        Assert.Equal(SiloProgram.ExitBadSettings, code);
        Assert.Contains("Silo:TokensFile", error, StringComparison.Ordinal);
        Assert.Contains("line 3", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown option '--frobnicate'", "--frobnicate", "1")]
    [InlineData("Silo:GrpcPort", "--grpc-port", "70000")]
    [InlineData("Silo:SiloPort", "--silo-port", "abc")]
    [InlineData("Silo:Clustering", "--clustering", "redis")]
    [InlineData("Silo:Storage", "--storage", "sql")]
    [InlineData("Silo:TlsCertificate", "--tls-cert", "/no/such/cert.pem")]
    public async Task A_bad_setting_stops_the_silo_naming_it(string named, string option, string value)
    {
        var (code, error) = await RunAsync("--insecure-dev", option, value);
        Assert.Equal(SiloProgram.ExitBadSettings, code);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_tokens_file_stops_the_silo_naming_it()
    {
        var (code, error) = await RunAsync("--tokens", "/no/such/tokens.txt");
        Assert.Equal(SiloProgram.ExitBadSettings, code);
        Assert.Contains("Silo:TokensFile", error, StringComparison.Ordinal);
        Assert.Contains("not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_stops_the_silo_naming_it()
    {
        using var busy = new TcpListener(IPAddress.Any, 0);
        busy.Start();
        var (code, error) = await RunAsync("--insecure-dev", "--grpc-port", $"{((IPEndPoint)busy.LocalEndpoint).Port}");
        Assert.Equal(SiloProgram.ExitBadSettings, code);
        Assert.Contains("Silo:GrpcPort", error, StringComparison.Ordinal);
        Assert.Contains("not available", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_certificate_stops_the_silo_naming_it()
    {
        var cert = Path.Combine(_folder, "cert.pfx");
        await File.WriteAllTextAsync(cert, "not a certificate");
        var (code, error) = await RunAsync("--insecure-dev", "--tls-cert", cert, "--tls-password", "x");
        Assert.Equal(SiloProgram.ExitBadSettings, code);
        Assert.Contains("Silo:TlsCertificate", error, StringComparison.Ordinal);
        Assert.Contains("cannot read", error, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Error)> RunAsync(params string[] args)
    {
        var ports = FreePorts.Take(3);
        var all = new[] { "--runs", Path.Combine(_folder, "runs"), "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--grpc-port", $"{ports[2]}" }
            .Concat(args).ToArray();
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await SiloProgram.RunAsync(all, output, error);
        AssertNoStackTrace(error.ToString());
        return (code, error.ToString());
    }

    private static void AssertNoStackTrace(string text) => Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
}
