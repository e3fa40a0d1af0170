using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace Rnn.Benchmarks;

/// <summary>Default BenchmarkDotNet settings plus allocation counts and the throughput columns.</summary>
public sealed class GemmBenchmarkConfig : ManualConfig
{
    public GemmBenchmarkConfig()
    {
        Add(DefaultConfig.Instance);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new ThroughputColumn(percentOfPeak: false), new ThroughputColumn(percentOfPeak: true));
    }
}
