using Rnn.Training.Steps;
using Orleans.Concurrency;
using Rnn.Contracts.Messages;

namespace Rnn.Contracts.Grains;

/// <summary>
/// A training job (key: job id). Submitting validates and returns at once; a grain timer then drives the steps, and
/// progress goes out on the job's metrics stream (<see cref="StreamNames"/>): <see cref="Messages.StepMetrics"/> after every
/// step and <see cref="Messages.EvaluationMetrics"/> after each test-split evaluation. No call lasts longer than a step.
/// </summary>
[Alias("Rnn.IJobGrain")]
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Validates the job file; when valid, queues the job and starts it. Never waits for training.</summary>
    [Alias("Submit")]
    Task<SubmitResult> SubmitAsync(JobSubmission submission);

    // Status and cancel interleave with a running step so that they answer at once.
    [AlwaysInterleave]
    [Alias("GetStatus")]
    Task<JobStatus> GetStatusAsync();

    /// <summary>The address of the silo this activation runs on (diagnostics, tests).</summary>
    [AlwaysInterleave]
    [Alias("GetSilo")]
    Task<string> GetSiloAsync();

    /// <summary>Stops the job after the step in progress; its state becomes cancelled.</summary>
    [AlwaysInterleave]
    [Alias("Cancel")]
    Task CancelAsync();
}
