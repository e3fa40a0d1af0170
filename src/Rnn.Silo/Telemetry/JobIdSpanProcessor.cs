using System.Diagnostics;
using OpenTelemetry;

namespace Rnn.Silo.Telemetry;

/// <summary>
/// Puts job.id on every span of a step's trace, Orleans' grain-call spans included: the step span carries job.id as
/// baggage, Orleans propagates baggage with the trace context, and this copies it onto each span as it starts.
/// </summary>
public sealed class JobIdSpanProcessor : BaseProcessor<Activity>
{
    // Orleans adds the propagated baggage to its incoming-call span after starting it, so the copy is tried again at
    // the end (this processor is registered before the exporters, so they see the tag).
    public override void OnStart(Activity data) => CopyJobId(data);

    public override void OnEnd(Activity data) => CopyJobId(data);

    private static void CopyJobId(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.GetTagItem(TelemetryNames.JobId) is null && data.GetBaggageItem(TelemetryNames.JobId) is { } jobId)
            data.SetTag(TelemetryNames.JobId, jobId);
    }
}
