using System.Globalization;

namespace Rnn.Kernels.Training;

/// <summary>metrics.csv: one row per step, flushed as it goes so a crashed run keeps its history.</summary>
public sealed class MetricsCsvWriter : IDisposable
{
    public const string Header = "step,epoch,loss,accuracy,grad_norm,learning_rate,samples_per_second,seconds,skipped";
    private readonly StreamWriter _writer;

    public MetricsCsvWriter(string path)
    {
        _writer = new StreamWriter(path, append: false) { AutoFlush = true, NewLine = "\n" };
        _writer.WriteLine(Header);
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
