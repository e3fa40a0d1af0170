namespace Rnn.Silo.Hosting;

/// <summary>
/// One run as <c>rnn runs</c> shows it: the job name, its run id, how it ended ("completed", "failed", "cancelled",
/// or "unfinished" while it has no outcome.json), its steps and parameters' hash when it finished, and its folder.
/// <see cref="Latest"/> marks the run in runs/&lt;name&gt;/ itself; the others are in runs/&lt;name&gt;/earlier/.
/// </summary>
public sealed record ListedRun(
    string Name, string RunId, string State, long? Steps, string? ParametersSha256, DateTime? StartedUtc, string Path, bool Latest);
