using Rnn.Kernels.Losses;
using Rnn.Training.Runs;
using Rnn.Training.Steps;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Silo.Api;

/// <summary>
/// Reads a job's step history back from its metrics.csv (written by the job driver after every step, before the step
/// goes out on the stream; rows of steps replayed after a rollback are rewritten, so each step is there once).
/// </summary>
public static class MetricsCsvHistory
{
    /// <summary>Rows with from ≤ step &lt; until, in step order; a row being written at this moment is skipped.</summary>
    public static IReadOnlyList<V1.StepMetrics> Read(string path, long from, long until = long.MaxValue) =>
        MetricsCsvReader.Read(path).Where(r => r.Step >= from && r.Step < until).Select(ToProto).ToArray();

    private static V1.StepMetrics ToProto(MetricsCsvRow r)
    {
        var row = new V1.StepMetrics
        {
            Step = r.Step, Epoch = r.Epoch, Loss = r.Loss, GradNorm = r.GradNorm, LearningRate = r.LearningRate,
            SamplesPerSecond = r.SamplesPerSecond, Seconds = r.Seconds, Skipped = r.Skipped,
        };
        if (r.Accuracy is { } accuracy) row.Accuracy = accuracy;
        return row;
    }
}
