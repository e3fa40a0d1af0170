using Microsoft.Extensions.Logging;
using Rnn.Silo.Server;

namespace Rnn.Api.Tests.Support;

/// <summary>Starts a standalone silo of its own on loopback (free ports, the test tenants) for tests that need their own.</summary>
internal static class TestSilo
{
    public static async Task<RunningSilo> StartAsync(string folder, string runsRoot, params string[] extraArgs)
    {
        Directory.CreateDirectory(folder);
        var tokens = Path.Combine(folder, "tokens.txt");
        await File.WriteAllTextAsync(tokens, Tenants.File);
        var ports = FreePorts.Take(3);
        string[] args =
        [
            "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--grpc-port", $"{ports[2]}", "--grpc-address", "127.0.0.1",
            "--runs", runsRoot, "--tokens", tokens, "--data-roots", Path.Combine(RepositoryPaths.Root, "data"), .. extraArgs,
        ];
        return await SiloProgram.StartAsync(args, new StringWriter(), configure: builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
    }

    public static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing job; the OS cleans the temp folder.
        }
    }
}
