using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Rnn.Silo.Telemetry;

/// <summary>
/// Puts job.id on every span of a step's trace, Orleans' spans included. The step span carries job.id as baggage
/// and Orleans propagates baggage with the trace context to grain calls on other silos; spans Orleans starts without
/// it (grain placement, before any grain-call filter runs) get it from the trace's job, remembered per trace id from
/// the spans of this process that had it. A placement span on a silo that has seen no other span of that step's
/// trace yet is the one case left without it.
/// </summary>
public sealed class JobIdSpanProcessor : BaseProcessor<Activity>
{
    // Bounded: traces are short (one step), so forgetting them all now and then only costs a few placement spans.
    private const int MaxRememberedTraces = 10_000;
    private readonly ConcurrentDictionary<ActivityTraceId, string> _jobOfTrace = new();

    public override void OnStart(Activity data) => CopyJobId(data);

    // Orleans adds the propagated baggage to its incoming-call span after starting it, so the copy is tried again at
    // the end (this processor is registered before the exporters, so they see the tag).
    public override void OnEnd(Activity data) => CopyJobId(data);

    private void CopyJobId(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var jobId = data.GetTagItem(TelemetryNames.JobId) as string ?? data.GetBaggageItem(TelemetryNames.JobId);
        if (jobId is null)
        {
            if (_jobOfTrace.TryGetValue(data.TraceId, out var known)) data.SetTag(TelemetryNames.JobId, known);
            return;
        }
        if (data.GetTagItem(TelemetryNames.JobId) is null) data.SetTag(TelemetryNames.JobId, jobId);
        if (_jobOfTrace.Count >= MaxRememberedTraces) _jobOfTrace.Clear();
        _jobOfTrace.TryAdd(data.TraceId, jobId);
    }
}
