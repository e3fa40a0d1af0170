namespace Rnn.Silo.Jobs;

/// <summary>A tenant's job found on disk (<see cref="TenantRunFolders.Scan"/>): its id, when its run started, whether it has ended.</summary>
internal sealed record TenantOwnedRun(string JobId, DateTime StartedUtc, bool Ended);
