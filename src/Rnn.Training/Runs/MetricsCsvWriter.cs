using System.Globalization;
using Rnn.Kernels.Losses;
using Rnn.Training.Steps;

namespace Rnn.Training.Runs;

/// <summary>metrics.csv: one row per step, flushed as it goes so a crashed run keeps its history.</summary>
public sealed class MetricsCsvWriter : IDisposable
{
    public const string Header = "step,epoch,loss,accuracy,grad_norm,learning_rate,samples_per_second,seconds,skipped";
    private readonly StreamWriter _writer;

    /// <summary>Starts the file, or with <paramref name="append"/> continues a resumed run's file.</summary>
    public MetricsCsvWriter(string path, bool append = false)
    {
        var continuing = append && File.Exists(path);
        _writer = new StreamWriter(path, append: continuing) { AutoFlush = true, NewLine = "\n" };
        if (!continuing) _writer.WriteLine(Header);
    }

    /// <summary>Drops rows of steps ≥ <paramref name="step"/>: a resumed run replays them.</summary>
    public static void KeepStepsBefore(string path, long step)
    {
        if (!File.Exists(path)) return;
        var kept = File.ReadAllLines(path).Where((line, i) =>
            i == 0 || (long.TryParse(line.AsSpan(0, Math.Max(0, line.IndexOf(','))), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s < step));
        File.WriteAllText(path, string.Join('\n', kept) + "\n");
    }

    public void Append(StepMetrics m)
    {
        static string F(double v) => double.IsFinite(v) ? v.ToString("G9", CultureInfo.InvariantCulture) : "";
        _writer.WriteLine(string.Join(',',
            m.Step.ToString(CultureInfo.InvariantCulture), m.Epoch.ToString(CultureInfo.InvariantCulture), F(m.Loss),
            m.Accuracy is { } a ? F(a) : "", F(m.GradNorm), F(m.LearningRate), F(m.SamplesPerSecond), F(m.Seconds),
            m.SkipReason is null ? "0" : "1"));
    }

    public void Dispose() => _writer.Dispose();
}
