using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Contracts.Clients;

/// <summary>
/// The training cluster as a .NET program sees it: the calls of the public API (docs/api.md) over one tenant's jobs.
/// Two implementations with the same semantics: <c>GrpcTrainingClient</c> (the rnn tool) for anyone who can reach a silo's gRPC
/// endpoint, and <c>OrleansTrainingClient</c> (Rnn.Silo) for programs inside the cluster network that hold an Orleans
/// <c>IClusterClient</c>. The messages are the public contract's (<c>rnn.v1</c>), so results read the same whichever
/// way they came. Every failure is a <see cref="TrainingClientException"/> whose <see cref="TrainingErrorKind"/> says
/// what went wrong (not found, not authenticated, cannot connect, ...).
/// </summary>
public interface ITrainingClient : IAsyncDisposable
{
    /// <summary>Validates and starts a job; returns its id at once (the job runs on its own).</summary>
    Task<string> SubmitAsync(string jobJson, CancellationToken cancellation = default);

    Task<V1.Job> GetAsync(string jobId, CancellationToken cancellation = default);

    /// <summary>The tenant's jobs, oldest first.</summary>
    Task<IReadOnlyList<V1.Job>> ListAsync(CancellationToken cancellation = default);

    /// <summary>Asks the job to stop after its current step; returns the state it was in when asked.</summary>
    Task<V1.JobState> CancelAsync(string jobId, CancellationToken cancellation = default);

    /// <summary>
    /// The job's events from step <paramref name="fromStep"/> on: its state, its step history, then live steps and
    /// evaluations until it ends with a final state event. Each step comes once and in order; a lost connection is
    /// resumed at the step after the last one seen (see <see cref="ResumableWatch"/>).
    /// </summary>
    IAsyncEnumerable<V1.JobEvent> WatchAsync(string jobId, long fromStep = 0, CancellationToken cancellation = default);

    /// <summary>Writes one file of the job's run folder (see <see cref="RunFiles"/>) to <paramref name="destination"/>.</summary>
    Task DownloadAsync(string jobId, string file, Stream destination, CancellationToken cancellation = default);
}
