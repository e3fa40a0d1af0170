using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Client.Progress;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Client.Commands;

/// <summary><c>rnn jobs</c>: the token's tenant's jobs on a cluster, oldest first, one line each.</summary>
internal sealed class JobsCommand
{
    private readonly CliContext _context;
    private readonly RemoteOptions _remote;

    public JobsCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _remote = new RemoteOptions(context, verbose);
        Command = new Command("jobs", "List your jobs on a cluster: id, name, state, steps, test metrics");
        _remote.AddTo(Command);
        Command.SetAction(InvokeAsync);
    }

    public Command Command { get; }

    /// <summary>"completed", "running", ... as the displays and --json write states.</summary>
    public static string StateName(V1.JobState state) => state switch
    {
        V1.JobState.Queued => "queued",
        V1.JobState.Running => "running",
        V1.JobState.Completed => "completed",
        V1.JobState.Failed => "failed",
        V1.JobState.Cancelled => "cancelled",
        _ => "unknown",
    };

    private Task<int> InvokeAsync(ParseResult parse, CancellationToken cancellation) => _remote.RunAsync(parse, async () =>
    {
        var (client, _) = _remote.Connect(parse);
        await using (client)
        {
            var jobs = await client.ListAsync(cancellation);
            if (parse.GetValue(_remote.Json))
            {
                foreach (var job in jobs) JsonLines.Write(_context.Out, w => WriteJson(w, job));
            }
            else if (jobs.Count == 0)
            {
                _context.Out.WriteLine("no jobs");
            }
            else
            {
                _context.Out.WriteLine($"{"ID",-32}  {"NAME",-24}  {"STATE",-9}  {"STEPS",-13}  TEST");
                foreach (var job in jobs)
                {
                    var test = job.Summary?.Test is { Count: > 0 } t
                        ? DisplayFormat.Metrics(new EvaluationReport(job.Step, t))
                        : "";
                    var steps = $"{job.Step}/{job.TotalSteps}";
                    _context.Out.WriteLine($"{job.JobId,-32}  {job.Name,-24}  {StateName(job.State),-9}  {steps,-13}  {test}".TrimEnd());
                }
            }
            return ExitCodes.Success;
        }
    });

    private static void WriteJson(System.Text.Json.Utf8JsonWriter w, V1.Job job)
    {
        w.WriteString("event", "job");
        w.WriteString("job_id", job.JobId);
        w.WriteString("name", job.Name);
        w.WriteString("state", StateName(job.State));
        w.WriteNumber("step", job.Step);
        w.WriteNumber("total_steps", job.TotalSteps);
        JsonLines.Metrics(w, "test", job.Summary?.Test);
        if (string.IsNullOrEmpty(job.Summary?.ParametersSha256)) w.WriteNull("parameters_sha256");
        else w.WriteString("parameters_sha256", job.Summary.ParametersSha256);
        if (string.IsNullOrEmpty(job.FailureReason)) w.WriteNull("failure_reason");
        else w.WriteString("failure_reason", job.FailureReason);
    }
}
