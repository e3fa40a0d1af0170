using Microsoft.Extensions.Hosting;

namespace Rnn.Client.Local;

/// <summary>
/// A host lifetime that reacts to no signal. The default console lifetime would stop a local silo on Ctrl+C while
/// its job is still being cancelled; here the train command decides when silos stop (after the job has ended).
/// </summary>
internal sealed class ManualHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
