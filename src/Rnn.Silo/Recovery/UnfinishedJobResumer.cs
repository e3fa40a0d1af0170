using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rnn.Silo.Jobs;
using Rnn.Silo.Configuration;

namespace Rnn.Silo.Recovery;

/// <summary>
/// Runs in every silo: every <see cref="RnnTrainingOptions.ResumeScanInterval"/> it lists the job folders under the
/// runs root and pings the job grain of each unfinished one (a checkpoint, no outcome). Orleans activates a grain
/// whose silo died on a live silo, so a job whose driver was lost carries on from its checkpoint with no manual
/// action; pinging a grain that is driving its job is a no-op. Every silo pings, so no single silo is needed.
/// </summary>
public sealed class UnfinishedJobResumer(IGrainFactory grains, IOptions<RnnTrainingOptions> options,
    ILogger<UnfinishedJobResumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ResumeScanInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await ScanAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Scanning {RunsRoot} for unfinished jobs failed; trying again", options.Value.RunsRoot);
            }
        }
    }

    private async Task ScanAsync(CancellationToken cancellation)
    {
        var root = options.Value.RunsRoot;
        if (!Directory.Exists(root)) return;
        foreach (var path in Directory.EnumerateDirectories(root))
        {
            var folder = new RunFolder(path);
            if (!folder.IsUnfinished || folder.ReadRunInfo() is not { } info) continue;
            try
            {
                await grains.GetGrain<IJobResumption>(info.JobId).ResumeAsync(folder.Path)
                    .WaitAsync(options.Value.StepCallDeadline, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The silo is starting or stopping, or the grain's silo is not yet declared dead: next scan.
                logger.LogDebug(e, "Pinging job '{JobId}' in {Folder} failed", info.JobId, folder.Path);
            }
        }
    }
}
