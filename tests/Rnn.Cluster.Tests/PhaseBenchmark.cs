using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Rnn.Silo.Grains;
using Rnn.Silo.Server;

namespace Rnn.Cluster.Tests;

/// <summary>
/// `phase-bench --job FILE [--skip N]`: runs the job on one in-process silo (the production host, SiloProgram) and
/// prints the mean step phase times that <see cref="SyncStepCoordinator"/> records, after the first N steps (warm-up).
/// </summary>
internal static class PhaseBenchmark
{
    public static async Task<int> RunAsync(string jobFile, int skip, string runs)
    {
        var samples = new ConcurrentDictionary<string, List<double>>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SyncStepCoordinator.StepMeter.Name) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "phase") lock (samples) samples.GetOrAdd((string)tag.Value!, _ => []).Add(value);
        });
        listener.Start();

        var ports = new[] { 41111, 41112, 41113 };
        await using var silo = await SiloProgram.StartAsync(
            ["--insecure-dev", "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--grpc-port", $"{ports[2]}", "--runs", runs], TextWriter.Null);
        using var client = new ClusterJobClient([$"http://127.0.0.1:{ports[2]}"], "unused-in-insecure-dev");
        var id = await client.SubmitAsync(await File.ReadAllTextAsync(jobFile));
        var done = await client.WaitAsync(id, j => j.State == Rnn.Contracts.Api.V1.JobState.Completed, TimeSpan.FromMinutes(9), "completion");

        double Mean(string phase) => samples[phase].Skip(skip).Average() * 1000;
        var (shards, compute, reduce, apply) = (Mean("shards"), Mean("compute"), Mean("reduce"), Mean("apply"));
        var step = shards + reduce + apply;
        Console.WriteLine($"steps {done.Summary.Steps}, samples/s {done.Summary.SamplesPerSecond:0.0}, mean over steps {skip}..:");
        Console.WriteLine($"  step {step:0.0} ms = compute {compute:0.0} + push {shards - compute:0.0} + reduce(wait) {reduce:0.0} + apply {apply:0.0}");
        Console.WriteLine($"  communication + aggregation {(step - compute) / step:P1} of the step");
        return 0;
    }
}
