using System.CommandLine;
using Rnn.Client.Training;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn watch ID</c>: shows a cluster job's progress from its first step to its end, with the displays of local
/// training. A lost connection is resumed after the last step seen. Ctrl+C stops watching; the job goes on.
/// </summary>
internal sealed class WatchCommand
{
    private readonly CliContext _context;
    private readonly RemoteOptions _remote;
    private readonly ProgressOptions _progress = new();
    private readonly Argument<string> _id = new("ID") { Description = "The job id that submit printed" };

    public WatchCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _remote = new RemoteOptions(context, verbose);
        Command = new Command("watch", "Follow a cluster job to its end: history first, then live steps; exit 0 if it completed") { _id };
        _remote.AddTo(Command);
        _progress.AddTo(Command);
        Command.SetAction(InvokeAsync);
    }

    public Command Command { get; }

    private Task<int> InvokeAsync(ParseResult parse, CancellationToken cancellation)
    {
        var progress = _progress.Create(_context, parse, parse.GetValue(_remote.Json));
        return _remote.RunAsync(parse, async () =>
        {
            var (client, endpoint) = _remote.Connect(parse);
            await using (client)
            {
                var completed = await new RemoteJobFollower(client, progress, endpoint).FollowAsync(parse.GetValue(_id)!, cancellation);
                return completed ? ExitCodes.Success : ExitCodes.Failed;
            }
        }, progress.Failed);
    }
}
