using System.Diagnostics;
using Rnn.Silo.Telemetry;
using Rnn.Telemetry.Tests.Support;

namespace Rnn.Telemetry.Tests;

/// <summary>Each step is one trace across the silos: shard computes, pushes, applies and checkpoints under the step span.</summary>
[Collection(InstrumentedClusterCollection.Name)]
public sealed class TraceTests(InstrumentedClusterFixture fixture)
{
    private IReadOnlyList<Activity> JobSpans => fixture.Spans
        .Where(a => a.GetTagItem(TelemetryNames.JobId) as string == InstrumentedClusterFixture.JobId).ToArray();

    [Fact]
    public void EveryStepHasOneRootSpan()
    {
        var steps = JobSpans.Where(a => a.OperationName == TrainingTracing.StepSpan).ToArray();
        Assert.Equal(InstrumentedClusterFixture.Steps, steps.Length);
        Assert.All(steps, s => Assert.Equal(default, s.ParentSpanId));
        Assert.Equal(InstrumentedClusterFixture.Steps, steps.Select(s => s.TraceId).Distinct().Count());
    }

    [Fact]
    public void ShardComputePushApplyAndCheckpointSpansDescendFromTheirStep()
    {
        var byId = fixture.Spans.ToDictionary(a => a.SpanId);
        foreach (var step in JobSpans.Where(a => a.OperationName == TrainingTracing.StepSpan))
        {
            var inTrace = fixture.Spans.Where(a => a.TraceId == step.TraceId).ToArray();
            var computes = inTrace.Where(a => a.OperationName == TrainingTracing.ShardComputeSpan).ToArray();
            Assert.Equal(InstrumentedClusterFixture.Shards, computes.Select(a => a.GetTagItem(TelemetryNames.ShardId)).Distinct().Count());
            Assert.Equal(InstrumentedClusterFixture.Shards, inTrace.Count(a => a.OperationName == TrainingTracing.PushSpan));
            Assert.Contains(inTrace, a => a.OperationName == TrainingTracing.BlockApplySpan);
            // Every span of the trace hangs from this step span, across silos and Orleans' call spans in between.
            Assert.All(inTrace.Where(a => a != step), a => Assert.True(DescendsFrom(a, step, byId), $"{a.OperationName} is not under its step"));
            Assert.All(inTrace, a => Assert.Equal(InstrumentedClusterFixture.JobId, a.GetTagItem(TelemetryNames.JobId)));
        }
    }

    [Fact]
    public void ShardComputeSpansComeFromSeveralSilos()
    {
        var silos = JobSpans.Where(a => a.OperationName == TrainingTracing.ShardComputeSpan)
            .Select(a => a.GetTagItem(TelemetryNames.Silo)).Distinct().Count();
        Assert.True(silos > 1, $"shard computes ran on {silos} silo(s)");
    }

    [Fact]
    public void CheckpointsAreSpansOfTheStepsThatTakeThem()
    {
        var stepsByTrace = JobSpans.Where(a => a.OperationName == TrainingTracing.StepSpan).ToDictionary(a => a.TraceId);
        // The step-0 checkpoint is written when the run starts, outside any step.
        var checkpointSteps = JobSpans.Where(a => a.OperationName == TrainingTracing.CheckpointSpan && stepsByTrace.ContainsKey(a.TraceId))
            .Select(a => stepsByTrace[a.TraceId].GetTagItem(TelemetryNames.Step)).Distinct().Order().ToArray();
        // checkpoint_every 3 over 6 steps: after steps 3 and 6, i.e. during the step spans of steps 2 and 5 (0-based).
        Assert.Equal(new object[] { 2L, 5L }, checkpointSteps);
    }

    private static bool DescendsFrom(Activity span, Activity root, Dictionary<ActivitySpanId, Activity> byId)
    {
        for (var current = span; current.ParentSpanId != default; )
        {
            if (current.ParentSpanId == root.SpanId) return true;
            if (!byId.TryGetValue(current.ParentSpanId, out var parent)) return false;
            current = parent;
        }
        return false;
    }
}
