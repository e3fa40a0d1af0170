using System.Globalization;
using Rnn.Cluster.Tests;
using Rnn.Contracts.Api.V1;

// Usage (all commands take --urls URL[,URL...] --token TOKEN):
//   submit --job FILE             prints the job id
//   wait-step --id ID --step N    returns once the job has done at least N steps
//   wait-done --id ID             returns once it completed; prints its parameters_sha256
//   submit-many --jobs FILE[,FILE...]   submits them all at once (each file is NAME.json for the job NAME), also
//                                 while silos die; prints one job id a line, in the files' order
//   wait-all --ids ID[,ID...]     returns once every job has ended (any state); prints one line a job, in the ids'
//                                 order: ID STATE STEP ROLLBACKS HASH|- REASON|-  (exit 1 if some never ended)
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
            Console.WriteLine(await client.SubmitAsync(await File.ReadAllTextAsync(Required("--job")), timeout));
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
        case "submit-many":
            var files = Required("--jobs").Split(',');
            var ids = await Task.WhenAll(files.Select(async f =>
                await client.SubmitSurvivingAsync(await File.ReadAllTextAsync(f), Path.GetFileNameWithoutExtension(f), timeout)));
            foreach (var id in ids) Console.WriteLine(id);
            break;
        case "wait-all":
            var ended = await client.WaitAllEndedAsync(Required("--ids").Split(','), timeout);
            foreach (var job in ended)
                Console.WriteLine(string.Join(' ', job.JobId, job.State, job.Step, job.Rollbacks,
                    string.IsNullOrEmpty(job.Summary?.ParametersSha256) ? "-" : job.Summary.ParametersSha256,
                    string.IsNullOrEmpty(job.FailureReason) ? "-" : job.FailureReason.ReplaceLineEndings(" ")));
            return ended.All(j => j.State is JobState.Completed or JobState.Failed or JobState.Cancelled) ? 0 : 1;
        default:
            Console.Error.WriteLine("usage: Rnn.Cluster.Tests submit|submit-many|wait-step|wait-done|wait-all --urls URL[,URL] --token TOKEN [--job FILE] [--id ID] [--step N] [--timeout S]");
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
