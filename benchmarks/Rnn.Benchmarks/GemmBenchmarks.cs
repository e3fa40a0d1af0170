using BenchmarkDotNet.Attributes;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using Rnn.Harness.Benchmarks;

namespace Rnn.Benchmarks;

/// <summary>
/// CPU GEMM throughput on the project's shapes, next to the measured FMA peak of the same thread count so the
/// GFLOP/s and %Peak columns (see <see cref="ThroughputColumn"/>) are comparable within one run.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks : IDisposable
{
    /// <summary>FMA rounds per thread per <see cref="FmaPeak"/> call: ~1-2 ms, long next to dispatch cost.</summary>
    public const long PeakIterations = 200_000;

    private CpuCompute _compute = null!;
    private Action<int> _peakPiece = null!;
    private readonly float[] _peakSink = new float[64];

    // Target: (64×512)·(512×2048), B packed on every call and prepacked once (as the layers pack their weights once
    // per pass).
    private float[] _targetA = null!, _targetB = null!, _targetC = null!;
    private PackedMatrix _packedTargetB = null!;

    // Recurrent step: h[B=64, H=128]·W_hhᵀ with W_hh stored [4H=512, H] (transB), plain and prepacked.
    private float[] _hidden = null!, _weightHh = null!, _gates = null!;
    private PackedMatrix _packedWeightHh = null!;

    // Weight gradient dW_hh[4H, H] = dGatesᵀ·H over a 28-step window: A stored [T·B=1792, 512] (transA).
    private float[] _gateGrads = null!, _hiddenSeq = null!, _weightGrad = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _compute = new CpuCompute(Threads);
        _peakPiece = t => _peakSink[t] = Rnn.Harness.Benchmarks.FmaPeak.Run(PeakIterations);
        var random = new DeterministicRandom(42);
        _targetA = Random(random, 64 * 512);
        _targetB = Random(random, 512 * 2048);
        _targetC = new float[64 * 2048];
        _packedTargetB = _compute.Pack(trans: false, k: 512, n: 2048, _targetB);
        _hidden = Random(random, 64 * 128);
        _weightHh = Random(random, 512 * 128);
        _gates = new float[64 * 512];
        _packedWeightHh = _compute.Pack(trans: true, k: 128, n: 512, _weightHh);
        _gateGrads = Random(random, 1792 * 512);
        _hiddenSeq = Random(random, 1792 * 128);
        _weightGrad = new float[512 * 128];
    }

    [Benchmark]
    public void Gemm_64x512x2048() =>
        _compute.Gemm(false, false, 64, 2048, 512, _targetA, _targetB, _targetC, accumulate: false);

    [Benchmark]
    public void GemmPacked_64x512x2048() => _compute.Gemm(false, 64, _targetA, _packedTargetB, _targetC, accumulate: false);

    [Benchmark]
    public void RecurrentStep_64x512x128() =>
        _compute.Gemm(false, true, 64, 512, 128, _hidden, _weightHh, _gates, accumulate: false);

    [Benchmark]
    public void RecurrentStepPacked_64x512x128() =>
        _compute.Gemm(false, 64, _hidden, _packedWeightHh, _gates, accumulate: false);

    [Benchmark]
    public void WeightGradient_512x128x1792() =>
        _compute.Gemm(true, false, 512, 128, 1792, _gateGrads, _hiddenSeq, _weightGrad, accumulate: false);

    [Benchmark]
    public void FmaPeak() => _compute.ParallelFor(Threads, _peakPiece);

    /// <summary>
    /// Floating-point operations of one invocation of <paramref name="method"/>, for the GFLOP/s column.
    /// </summary>
    public static double FlopsOf(string method, int threads) => method switch
    {
        nameof(Gemm_64x512x2048) or nameof(GemmPacked_64x512x2048) => 2.0 * 64 * 2048 * 512,
        nameof(RecurrentStep_64x512x128) or nameof(RecurrentStepPacked_64x512x128) => 2.0 * 64 * 512 * 128,
        nameof(WeightGradient_512x128x1792) => 2.0 * 512 * 128 * 1792,
        nameof(FmaPeak) => (double)Rnn.Harness.Benchmarks.FmaPeak.FlopsPerIteration * PeakIterations * threads,
        _ => double.NaN,
    };

    [GlobalCleanup]
    public void Dispose()
    {
        _compute?.Dispose();
        GC.SuppressFinalize(this);
    }

    private static float[] Random(DeterministicRandom random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < values.Length; i++) values[i] = random.NextFloat() * 2f - 1f;
        return values;
    }
}
