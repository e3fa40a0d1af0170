using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Rnn.Harness.Benchmarks;

namespace Rnn.Benchmarks;

/// <summary>
/// GFLOP/s of a case from its median time, or that as a percentage of the FmaPeak case with the same thread count in
/// the same summary (the machine drifts between runs, so the peak must come from the same run). The median rather
/// than the mean because a shared machine adds rare long outliers that say nothing about the code.
/// </summary>
public sealed class ThroughputColumn(bool percentOfPeak) : IColumn
{
    public string Id => percentOfPeak ? "PercentOfPeak" : "GFlops";
    public string ColumnName => percentOfPeak ? "%Peak" : "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => percentOfPeak ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => percentOfPeak
        ? "GFLOP/s as a percentage of the FmaPeak case with the same Threads in this run"
        : "Floating-point operations per second (multiply-add = 2) from the median time";

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var gflops = Gflops(summary, benchmarkCase);
        if (double.IsNaN(gflops)) return "-";
        if (!percentOfPeak) return gflops.ToString("F1", CultureInfo.InvariantCulture);
        var threads = Threads(benchmarkCase);
        var peakCase = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor.WorkloadMethod.Name == nameof(GemmBenchmarks.FmaPeak) && Threads(c) == threads);
        var peak = peakCase == null ? double.NaN : Gflops(summary, peakCase);
        return double.IsNaN(peak) ? "-" : (100 * gflops / peak).ToString("F1", CultureInfo.InvariantCulture) + "%";
    }

    private static double Gflops(Summary summary, BenchmarkCase benchmarkCase)
    {
        var medianNs = summary[benchmarkCase]?.ResultStatistics?.Median;
        if (medianNs is null or <= 0) return double.NaN;
        var flops = GemmBenchmarks.FlopsOf(benchmarkCase.Descriptor.WorkloadMethod.Name, Threads(benchmarkCase));
        return flops / medianNs.Value; // flops per ns = GFLOP/s
    }

    private static int Threads(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters[nameof(GemmBenchmarks.Threads)] is int threads ? threads : 1;

    public override string ToString() => ColumnName;
}
