using System.Diagnostics;
using System.Globalization;
using Rnn.Training.Jobs;
using Rnn.Training.Steps;
using Rnn.Training.SingleProcess;

namespace Rnn.Benchmarks;

/// <summary>
/// A job trained by the single-process <see cref="Trainer"/> (no Orleans, no grains): seconds per epoch including
/// the evaluation after each, and the median step. Shows what the kernels alone cost next to `rnn train`.
/// </summary>
public static class TrainerEpochs
{
    public static void Print(string jobPath, int threads)
    {
        var job = JobSpecParser.Load(jobPath);
        var setup = TrainingSetup.Load(job, Path.GetDirectoryName(Path.GetFullPath(jobPath)));
        using var trainer = new Trainer(setup, threads);
        var steps = new List<double>();
        var total = Stopwatch.StartNew();
        var epochStart = 0.0;
        while (trainer.Step < trainer.TotalSteps)
        {
            var clock = Stopwatch.StartNew();
            trainer.RunStep();
            steps.Add(clock.Elapsed.TotalMilliseconds);
            if (!trainer.IsEpochEnd) continue;
            var evaluation = Stopwatch.StartNew();
            var accuracy = trainer.Evaluate().Metrics.GetValueOrDefault("accuracy", double.NaN);
            var evaluationMs = evaluation.Elapsed.TotalMilliseconds;
            var now = total.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {trainer.Step / setup.StepsPerEpoch}: {now - epochStart:F2} s (with evaluation: {evaluationMs:F1} ms), test accuracy {accuracy:F4}"));
            epochStart = now;
        }
        steps.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{setup.Job.Name}: {trainer.Step} steps in {total.Elapsed.TotalSeconds:F2} s on {threads} threads, median step {steps[steps.Count / 2]:F2} ms"));
    }
}
