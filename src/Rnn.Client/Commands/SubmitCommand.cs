using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Client.Training;
using Rnn.Contracts.Clients;
using Rnn.Training.Jobs;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn submit JOB.json --endpoint URL [--follow]</c>: sends a job to a cluster and prints its id, or follows it to
/// its end with the displays of local training. The job file is checked here first, so its field errors come without
/// a round trip; its data path is sent as written (data is read on the cluster).
/// </summary>
internal sealed class SubmitCommand
{
    private readonly CliContext _context;
    private readonly RemoteOptions _remote;
    private readonly ProgressOptions _progress = new();
    private readonly Argument<string> _job = new("JOB.json") { Description = "The job file (see docs/job-format.md)" };
    private readonly Option<bool> _follow = new("--follow", "-f")
    {
        Description = "Follow the job to its end with live progress (as rnn train); exit 0 only if it completed",
    };

    public SubmitCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _remote = new RemoteOptions(context, verbose);
        Command = new Command("submit", "Submit a job to a cluster; prints its id, or follows it with --follow") { _job, _follow };
        _remote.AddTo(Command);
        _progress.AddTo(Command);
        Command.SetAction(InvokeAsync);
    }

    public Command Command { get; }

    private Task<int> InvokeAsync(ParseResult parse, CancellationToken cancellation)
    {
        var json = parse.GetValue(_remote.Json);
        var progress = parse.GetValue(_follow) ? _progress.Create(_context, parse, json) : null;
        return _remote.RunAsync(parse, async () =>
        {
            var path = parse.GetValue(_job)!;
            JobSpecParser.Load(path); // names the path when it is missing, and every field problem
            var text = await File.ReadAllTextAsync(path, cancellation);
            var (client, endpoint) = _remote.Connect(parse);
            await using (client)
            {
                var jobId = await SubmitAsync(client, path, text, cancellation);
                if (json)
                {
                    JsonLines.Write(_context.Out, w =>
                    {
                        w.WriteString("event", "submitted");
                        w.WriteString("job_id", jobId);
                        w.WriteString("endpoint", endpoint);
                    });
                }
                else if (progress is null)
                {
                    // Alone on its line, so that ID=$(rnn submit job.json) works.
                    _context.Out.WriteLine(jobId);
                }
                else
                {
                    _context.Out.WriteLine($"submitted job {jobId} to {endpoint}");
                }
                if (progress is null) return ExitCodes.Success;
                var completed = await new RemoteJobFollower(client, progress, endpoint).FollowAsync(jobId, cancellation);
                return completed ? ExitCodes.Success : ExitCodes.Failed;
            }
        }, progress is null ? null : progress.Failed);
    }

    /// <summary>
    /// gRPC itself refuses a message over the silo's receive limit before the silo's own size check runs, with a
    /// message that names neither the limit nor the size (exit 8 must name both): say them here.
    /// </summary>
    private static async Task<string> SubmitAsync(ITrainingClient client, string path, string text, CancellationToken cancellation)
    {
        try
        {
            return await client.SubmitAsync(text, cancellation);
        }
        catch (TrainingClientException e) when (e.Kind == TrainingErrorKind.ResourceExhausted && e.Details is null)
        {
            throw new CommandException(ExitCodes.LimitExceeded,
                $"{path}: the job file is {System.Text.Encoding.UTF8.GetByteCount(text)} bytes, over the silo's gRPC message limit " +
                "(its Api:Limits:MaxJobFileBytes, default 65536, plus 64 KiB); shrink the job file or ask the operator to raise " +
                $"Api:Limits:MaxJobFileBytes (the silo said: {e.Message})");
        }
    }
}
