using OpenTelemetry.Metrics;
using Rnn.Silo.Telemetry;
using Rnn.Telemetry.Tests.Support;

namespace Rnn.Telemetry.Tests;

/// <summary>A slowed shard is named as the slow one from the exported metrics alone, with the silo it ran on.</summary>
[Collection(InstrumentedClusterCollection.Name)]
public sealed class StragglerTests(InstrumentedClusterFixture fixture)
{
    [Fact]
    public void TheSlowedShardHasTheLargestMeanComputeTime()
    {
        var perShard = LastSnapshot(TelemetryNames.ShardComputeDuration).MetricPoints
            .Where(p => Tag(p, TelemetryNames.JobId) == InstrumentedClusterFixture.JobId)
            .GroupBy(p => Convert.ToInt32(Tag(p, TelemetryNames.ShardId), System.Globalization.CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => (Sum: g.Sum(p => p.GetHistogramSum()), Count: g.Sum(p => p.GetHistogramCount())));

        Assert.Equal(Enumerable.Range(0, InstrumentedClusterFixture.Shards), perShard.Keys.Order());
        Assert.All(perShard.Values, v => Assert.Equal(InstrumentedClusterFixture.Steps, v.Count));
        var slowest = perShard.MaxBy(kv => kv.Value.Sum / kv.Value.Count).Key;
        Assert.Equal(InstrumentedClusterFixture.SlowShard, slowest);
        // The delay is 60 ms a step; the other shards' tiny GRU takes a few.
        Assert.True(perShard[slowest].Sum / perShard[slowest].Count >= 0.06);
    }

    [Fact]
    public void ComputeTimesNameTheSilosTheShardsRanOn()
    {
        var silos = LastSnapshot(TelemetryNames.ShardComputeDuration).MetricPoints
            .Select(p => Tag(p, TelemetryNames.Silo)).Distinct().ToArray();
        Assert.True(silos.Length > 1, "all shards reported one silo: " + string.Join(", ", silos));
        Assert.All(silos, s => Assert.False(string.IsNullOrEmpty(s)));
    }

    [Fact]
    public void StepTimeIsSplitIntoComputePushWaitAndApply()
    {
        var phases = LastSnapshot(TelemetryNames.StepDuration).MetricPoints
            .Where(p => Tag(p, TelemetryNames.JobId) == InstrumentedClusterFixture.JobId)
            .GroupBy(p => Tag(p, TelemetryNames.Phase)!)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.GetHistogramCount()));
        const int shardSteps = InstrumentedClusterFixture.Shards * InstrumentedClusterFixture.Steps;
        Assert.Equal(shardSteps, phases[TelemetryNames.PhaseCompute]);
        Assert.Equal(shardSteps, phases[TelemetryNames.PhasePush]);
        Assert.Equal(shardSteps, phases[TelemetryNames.PhaseWait]);
        Assert.Equal(InstrumentedClusterFixture.Steps, phases[TelemetryNames.PhaseApply]);
    }

    [Fact]
    public void CountersAndGaugesFollowTheJob()
    {
        var steps = LastSnapshot(TelemetryNames.Steps).MetricPoints.Single(p => Tag(p, TelemetryNames.JobId) == InstrumentedClusterFixture.JobId);
        Assert.Equal(InstrumentedClusterFixture.Steps, steps.GetSumLong());
        var samples = LastSnapshot(TelemetryNames.Samples).MetricPoints.Single(p => Tag(p, TelemetryNames.JobId) == InstrumentedClusterFixture.JobId);
        Assert.Equal(InstrumentedClusterFixture.Steps * 32, samples.GetSumLong());
        var loss = LastSnapshot(TelemetryNames.Loss).MetricPoints.Single(p => Tag(p, TelemetryNames.JobId) == InstrumentedClusterFixture.JobId);
        Assert.Equal(fixture.Status.LastMetrics!.Loss, loss.GetGaugeLastValueDouble());
        var accuracy = LastSnapshot(TelemetryNames.EvalAccuracy).MetricPoints.Single(p => Tag(p, TelemetryNames.JobId) == InstrumentedClusterFixture.JobId);
        Assert.Equal(fixture.Status.LastEvaluation!.Metrics["accuracy"], accuracy.GetGaugeLastValueDouble());
        var staleness = LastSnapshot(TelemetryNames.Staleness).MetricPoints.Where(p => Tag(p, TelemetryNames.JobId) == InstrumentedClusterFixture.JobId).ToArray();
        Assert.NotEmpty(staleness);
        Assert.All(staleness, p => Assert.Equal(0, p.GetHistogramSum()));
        Assert.Contains(fixture.Metrics, m => m.MeterName == TelemetryNames.OrleansMeter);
    }

    private MetricSnapshot LastSnapshot(string name) =>
        fixture.Metrics.LastOrDefault(m => m.Name == name) ?? throw new Xunit.Sdk.XunitException($"no {name} was exported");

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
            if (tag.Key == key) return Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }
}
