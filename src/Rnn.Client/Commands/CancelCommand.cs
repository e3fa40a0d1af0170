using System.CommandLine;
using Rnn.Client.Console;

namespace Rnn.Client.Commands;

/// <summary><c>rnn cancel ID</c>: asks a cluster job to stop after its current step.</summary>
internal sealed class CancelCommand
{
    private readonly CliContext _context;
    private readonly RemoteOptions _remote;
    private readonly Argument<string> _id = new("ID") { Description = "The job id that submit printed" };

    public CancelCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _remote = new RemoteOptions(context, verbose);
        Command = new Command("cancel", "Stop a cluster job after its current step") { _id };
        _remote.AddTo(Command);
        Command.SetAction(InvokeAsync);
    }

    public Command Command { get; }

    private Task<int> InvokeAsync(ParseResult parse, CancellationToken cancellation) => _remote.RunAsync(parse, async () =>
    {
        var id = parse.GetValue(_id)!;
        var (client, _) = _remote.Connect(parse);
        await using (client)
        {
            var state = JobsCommand.StateName(await client.CancelAsync(id, cancellation));
            if (parse.GetValue(_remote.Json))
            {
                JsonLines.Write(_context.Out, w =>
                {
                    w.WriteString("event", "cancel");
                    w.WriteString("job_id", id);
                    w.WriteString("state", state);
                });
            }
            else
            {
                _context.Out.WriteLine(state is "queued" or "running"
                    ? $"cancel requested: job {id} was {state}; it stops after its current step"
                    : $"job {id} had already ended ({state})");
            }
            return ExitCodes.Success;
        }
    });
}
