using BenchmarkDotNet.Attributes;
using Rnn.Harness.Benchmarks;
using Rnn.Kernels.Models;
using Rnn.Kernels.Layers;

namespace Rnn.Benchmarks;

/// <summary>
/// One training step of one recurrent layer at the shapes of issue 6 (torchref's `bench CELL I H T B THREADS`):
/// forward over T steps, loss = sum of outputs, backward. MemoryDiagnoser's Allocated column must read 0 B.
/// </summary>
[MemoryDiagnoser]
public class RecurrentLayerBenchmarks : IDisposable
{
    private RecurrentStepBenchmark _step = null!;

    /// <summary>cell I H T B.</summary>
    [Params("lstm 28 128 28 64", "gru 28 128 28 64", "rnn 28 128 28 64", "lstm 64 256 64 32", "lstm 128 512 64 64", "gru 128 512 64 64")]
    public string Shape { get; set; } = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var p = Shape.Split(' ');
        var cell = p[0] switch { "lstm" => RecurrentCell.Lstm, "gru" => RecurrentCell.Gru, _ => RecurrentCell.SimpleRnn };
        _step = new RecurrentStepBenchmark(cell, int.Parse(p[1]), int.Parse(p[2]), int.Parse(p[3]), int.Parse(p[4]), Threads);
        _step.RunStep();
    }

    [Benchmark]
    public void TrainingStep() => _step.RunStep();

    [GlobalCleanup]
    public void Cleanup() => _step.Dispose();

    public void Dispose()
    {
        _step?.Dispose();
        GC.SuppressFinalize(this);
    }
}
