using System.Globalization;
using Rnn.Cluster.Tests;
using Rnn.Contracts.Api.V1;

// Usage (all commands take --urls URL[,URL...] --token TOKEN):
//   submit --job FILE             prints the job id
//   wait-step --id ID --step N    returns once the job has done at least N steps
//   wait-done --id ID             returns once it completed; prints its parameters_sha256
//   phase-bench --job FILE [--skip N] [--runs DIR]   (no --urls/--token: runs its own in-process silo)
// Every command gives up after --timeout seconds (default 240) with exit code 1.
var options = ParseOptions(args.Skip(1).ToArray());
var command = args.FirstOrDefault() ?? "";
var timeout = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("--timeout", "240"), CultureInfo.InvariantCulture));
if (command == "phase-bench")
    return await PhaseBenchmark.RunAsync(Required("--job"), int.Parse(options.GetValueOrDefault("--skip", "3"), CultureInfo.InvariantCulture),
        options.GetValueOrDefault("--runs", Path.Combine(Path.GetTempPath(), $"rnn-phase-bench-{Environment.ProcessId}")));
using var client = new ClusterJobClient(Required("--urls").Split(','), Required("--token"));
try
{
    switch (command)
    {
        case "submit":
            Console.WriteLine(await client.SubmitAsync(await File.ReadAllTextAsync(Required("--job"))));
            break;
        case "wait-step":
            var step = long.Parse(Required("--step"), CultureInfo.InvariantCulture);
            var atStep = await client.WaitAsync(Required("--id"), j => j.Step >= step, timeout, $"step {step}");
            Console.WriteLine(atStep.Step);
            break;
        case "wait-done":
            var done = await client.WaitAsync(Required("--id"), j => j.State == JobState.Completed, timeout, "completion");
            Console.WriteLine(done.Summary.ParametersSha256);
            break;
        default:
            Console.Error.WriteLine("usage: Rnn.Cluster.Tests submit|wait-step|wait-done --urls URL[,URL] --token TOKEN [--job FILE] [--id ID] [--step N] [--timeout S]");
            return 2;
    }
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or Grpc.Core.RpcException or IOException)
{
    Console.Error.WriteLine($"cluster client: {command}: {e.Message}");
    return 1;
}

string Required(string name) => options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"missing {name}");

static Dictionary<string, string> ParseOptions(string[] rest)
{
    var values = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < rest.Length; i += 2) values[rest[i]] = rest[i + 1];
    return values;
}
