using System.Globalization;

namespace Rnn.Training.Jobs;

/// <summary>Reads and checks <c>optimizer.schedule</c>.</summary>
internal static class ScheduleSectionReader
{
    private const string Type = "type", StepSize = "step_size", Gamma = "gamma", WarmupSteps = "warmup_steps", MinLr = "min_lr";

    private static readonly string[] AllKeys = [Type, StepSize, Gamma, WarmupSteps, MinLr];
    private static readonly string[] ConstantKeys = [Type, WarmupSteps];
    private static readonly string[] StepKeys = [Type, StepSize, Gamma, WarmupSteps];
    private static readonly string[] CosineKeys = [Type, MinLr, WarmupSteps];

    /// <summary>The schedule; null when absent or wrong (an error is recorded only in the second case).</summary>
    /// <param name="lr">optimizer.lr, or null when it is wrong; min_lr must lie below it.</param>
    public static ScheduleSpec? Read(JsonObjectReader optimizer, double? lr)
    {
        var schedule = optimizer.Object("schedule", required: false);
        if (schedule is null) return null;

        var errorsBefore = schedule.Errors.Count;
        var type = schedule.Choice(Type, ScheduleTypes.All, "schedule", required: true);
        var warmupSteps = schedule.Int(WarmupSteps, 0, int.MaxValue, required: false) ?? 0;
        int? stepSize = null;
        double? gamma = null, minLr = null;
        switch (type)
        {
            case ScheduleTypes.Constant:
                schedule.ReportUnreadKeys(ConstantKeys, "a constant schedule", AllKeys);
                break;

            case ScheduleTypes.Step:
                stepSize = schedule.Int(StepSize, 1, int.MaxValue, required: true);
                gamma = schedule.Double(Gamma, v => v > 0 && v <= 1, "a number in (0, 1]", required: true);
                schedule.ReportUnreadKeys(StepKeys, "a step schedule", AllKeys);
                break;

            case ScheduleTypes.Cosine:
                minLr = schedule.Double(MinLr, v => v >= 0, "a number >= 0, below optimizer.lr", required: true);
                if (minLr is not null && lr is not null && minLr >= lr)
                {
                    schedule.Errors.Add(schedule.FieldPath(MinLr), string.Create(CultureInfo.InvariantCulture,
                        $"min_lr {minLr} is not below optimizer.lr {lr}; the cosine schedule decays from lr down to min_lr, so lower min_lr"));
                }
                schedule.ReportUnreadKeys(CosineKeys, "a cosine schedule", AllKeys);
                break;

            default:
                foreach (var key in AllKeys) schedule.TryTake(key, "", required: false, out _);
                schedule.ReportUnreadKeys(AllKeys, "schedule", []);
                return null;
        }

        if (schedule.Errors.Count != errorsBefore) return null;
        return new ScheduleSpec { Type = type, StepSize = stepSize, Gamma = gamma, WarmupSteps = warmupSteps, MinLr = minLr };
    }
}
