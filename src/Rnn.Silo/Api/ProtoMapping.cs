using Google.Protobuf.WellKnownTypes;
using Rnn.Training.Steps;
using Rnn.Contracts.Messages;
using Rnn.Kernels.Losses;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Silo.Api;

/// <summary>Grain contract messages → the public rnn.v1 messages. Optional submessages stay unset when absent.</summary>
public static class ProtoMapping
{
    public static V1.JobState ToProto(this JobState state) => state switch
    {
        JobState.Queued => V1.JobState.Queued,
        JobState.Running => V1.JobState.Running,
        JobState.Completed => V1.JobState.Completed,
        JobState.Failed => V1.JobState.Failed,
        JobState.Cancelled => V1.JobState.Cancelled,
        _ => V1.JobState.Unspecified,
    };

    public static V1.Job ToProto(this JobStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var job = new V1.Job
        {
            JobId = status.JobId,
            Name = status.JobFolder is { Length: > 0 } folder ? Path.GetFileName(folder) : "",
            State = status.State.ToProto(),
            Step = status.Step,
            TotalSteps = status.TotalSteps,
            FailureReason = status.FailureReason ?? "",
            Rollbacks = status.Rollbacks,
            SkippedSteps = status.SkippedSteps,
        };
        if (status.LastMetrics is { } metrics) job.LastMetrics = metrics.ToProto();
        if (status.LastEvaluation is { } evaluation) job.LastEvaluation = evaluation.ToProto();
        if (status.Summary is { } summary) job.Summary = summary.ToProto();
        return job;
    }

    public static V1.StepMetrics ToProto(this StepMetrics m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var proto = new V1.StepMetrics
        {
            Step = m.Step, Epoch = m.Epoch, Loss = m.Loss, GradNorm = m.GradNorm, LearningRate = m.LearningRate,
            SamplesPerSecond = m.SamplesPerSecond, Seconds = m.Seconds, Skipped = m.SkipReason is not null,
        };
        if (m.Accuracy is { } accuracy) proto.Accuracy = accuracy;
        if (m.CompletedUtc is { } completed) proto.CompletedAt = UtcTimestamp(completed);
        return proto;
    }

    public static V1.Evaluation ToProto(this EvaluationMetrics e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var proto = new V1.Evaluation { Step = e.Step, Epoch = e.Epoch };
        foreach (var (name, value) in e.Metrics) proto.Metrics[name] = value;
        if (e.CompletedUtc is { } completed) proto.CompletedAt = UtcTimestamp(completed);
        return proto;
    }

    /// <summary>A silo's UTC time as a protobuf Timestamp (which refuses a DateTime not marked UTC).</summary>
    private static Timestamp UtcTimestamp(DateTime utc) => Timestamp.FromDateTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    public static V1.Summary ToProto(this JobSummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var proto = new V1.Summary
        {
            Steps = s.Steps, WallSeconds = s.WallSeconds, SamplesPerSecond = s.SamplesPerSecond, FinalLoss = s.FinalLoss,
            ParametersSha256 = s.ParametersSha256, SkippedSteps = s.SkippedSteps, StoppedEarly = s.StoppedEarly ?? "",
        };
        foreach (var (name, value) in s.Test) proto.Test[name] = value;
        return proto;
    }

    public static V1.JobEvent StateEvent(JobStatus status) => new()
    {
        State = new V1.StateChange { State = status.State.ToProto(), Step = status.Step, FailureReason = status.FailureReason ?? "" },
    };
}
