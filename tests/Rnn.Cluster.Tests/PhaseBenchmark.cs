using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Rnn.Silo.Server;
using Rnn.Silo.Telemetry;

namespace Rnn.Cluster.Tests;

/// <summary>
/// `phase-bench --job FILE [--skip N]`: runs the job on one in-process silo (the production host, SiloProgram) and
/// prints the mean step phase times the silo records in rnn.train.step.duration (docs/observability.md: compute, push
/// and wait per shard, apply per step), after the first N steps (warm-up), and the medians between a step's phases
/// (<see cref="StepPhaseTrace"/>).
/// </summary>
internal static class PhaseBenchmark
{
    public static async Task<int> RunAsync(string jobFile, int skip, string runs)
    {
        var samples = new ConcurrentDictionary<string, List<double>>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TelemetryNames.Source && instrument.Name == TelemetryNames.StepDuration) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == TelemetryNames.Phase) lock (samples) samples.GetOrAdd((string)tag.Value!, _ => []).Add(value);
        });
        listener.Start();
        StepPhaseTrace.Enable(100_000);

        var ports = new[] { 41111, 41112, 41113 };
        await using var silo = await SiloProgram.StartAsync(
            ["--insecure-dev", "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--grpc-port", $"{ports[2]}", "--runs", runs,
             // Data paths as the job file gives them, from the working folder (a benchmark, not a tenant).
             "--data-roots", Environment.CurrentDirectory], TextWriter.Null);
        using var client = new ClusterJobClient([$"http://127.0.0.1:{ports[2]}"], "unused-in-insecure-dev");
        var id = await client.SubmitAsync(await File.ReadAllTextAsync(jobFile));
        var done = await client.WaitAsync(id, j => j.State == Rnn.Contracts.Api.V1.JobState.Completed, TimeSpan.FromMinutes(9), "completion");

        var jobJson = await File.ReadAllTextAsync(jobFile);
        var shards = JsonDocument.Parse(jobJson).RootElement.GetProperty("training").GetProperty("shards").GetInt32();
        // compute, push and wait are one observation per shard per step; apply one per step.
        double Mean(string phase, int perStep) => samples[phase].Skip(skip * perStep).Average() * 1000;
        var (compute, push, wait, apply) = (Mean("compute", shards), Mean("push", shards), Mean("wait", shards), Mean("apply", 1));
        var step = compute + push + wait + apply;
        var computeMedian = samples["compute"].Skip(skip * shards).Order().ElementAt((samples["compute"].Count - skip * shards) / 2) * 1000;
        Console.WriteLine($"steps {done.Summary.Steps}, shards {shards}, samples/s {done.Summary.SamplesPerSecond:0.0}, means over steps {skip}..:");
        Console.WriteLine($"  per shard: compute {compute:0.0} ms (median {computeMedian:0.0}) + push {push:0.0} ms + wait {wait:0.0} ms; per step: apply {apply:0.0} ms");
        // The step as the job grain timed it (metrics.csv's seconds): what a step costs beyond its shard's compute.
        var lines = File.ReadLines(Directory.GetFiles(runs, "metrics.csv", SearchOption.AllDirectories).Single()).ToList();
        var secondsColumn = Array.IndexOf(lines[0].Split(','), "seconds");
        var stepSeconds = lines.Skip(1 + skip)
            .Select(line => double.Parse(line.Split(',')[secondsColumn], System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
        var stepMedian = stepSeconds[stepSeconds.Length / 2] * 1000;
        Console.WriteLine($"  step median {stepMedian:0.00} ms (metrics.csv) = compute median {computeMedian:0.00} ms + {stepMedian - computeMedian:0.00} ms outside the kernels");
        Console.WriteLine($"  push + apply (communication + aggregation) {(push + apply) / step:P1} of compute+push+wait+apply {step:0.0} ms");
        Console.WriteLine($"  process: {GC.CollectionCount(0)} gen0 / {GC.CollectionCount(1)} gen1 / {GC.CollectionCount(2)} gen2 collections, GC pauses {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms, {GC.GetTotalAllocatedBytes() / 1e6:0} MB allocated, JIT {System.Runtime.JitInfo.GetCompiledMethodCount()} methods in {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0} ms");
        // Where the rest goes: time between consecutive phases of a step (StepPhaseTrace), medians over the same steps.
        Console.WriteLine($"  step phases after step {skip} (median / mean µs):");
        foreach (var (from, to, median, mean, _) in StepPhaseTrace.Summary(skip))
            Console.WriteLine($"    {from} -> {to}: {median:0} / {mean:0}");
        return 0;
    }
}
