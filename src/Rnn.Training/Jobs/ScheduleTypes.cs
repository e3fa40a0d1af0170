namespace Rnn.Training.Jobs;

/// <summary>The learning-rate schedules a job file may use in <c>optimizer.schedule.type</c>.</summary>
public static class ScheduleTypes
{
    public const string Constant = "constant";
    public const string Step = "step";
    public const string Cosine = "cosine";

    public static IReadOnlyList<string> All { get; } = [Constant, Step, Cosine];
}
