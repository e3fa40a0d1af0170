using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Rnn.Kernels.Losses;

namespace Rnn.Benchmarks;

/// <summary>
/// The character model's loss: softmax cross-entropy with its gradient over [2048, 84] logits (T·B = 64 · 32 rows,
/// 84 classes), the scalar double code it replaced (baseline) against the vector one, and the accuracy count the
/// loss head runs beside it (the former scalar scan and the vector one); each on the 512-bit path and, in a second job, with DOTNET_EnableAVX512=0. Divide the
/// mean by 2,048 for ns per row. MemoryDiagnoser's Allocated column must read 0 B.
/// <c>dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- --filter '*SoftmaxCrossEntropy*'</c>
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InstructionSetJobs))]
public class SoftmaxCrossEntropyBenchmarks
{
    private const int Rows = 2048, Classes = 84;
    private readonly float[] _logits = new float[Rows * Classes];
    private readonly float[] _dLogits = new float[Rows * Classes];
    private readonly int[] _labels = new int[Rows];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(22);
        for (var i = 0; i < _logits.Length; i++) _logits[i] = 8f * random.NextSingle() - 4f;
        for (var r = 0; r < Rows; r++) _labels[r] = random.Next(Classes);
    }

    [Benchmark(Baseline = true)]
    public float ScalarDouble() => ScalarSoftmaxCrossEntropy.Compute(_logits, Rows, Classes, _labels, _dLogits, 1f);

    [Benchmark]
    public float Vector() => SoftmaxCrossEntropy.Compute(_logits, Rows, Classes, _labels, _dLogits, 1f);

    [Benchmark]
    public int ScalarAccuracyCount() => ScalarSoftmaxCrossEntropy.CountCorrect(_logits, Rows, Classes, _labels);

    [Benchmark]
    public int AccuracyCount() => Accuracy.CountCorrect(_logits, Rows, Classes, _labels);

    /// <summary>Two jobs in one table: the 512-bit path, and the 256-bit one in a process without AVX-512.</summary>
    private sealed class InstructionSetJobs : ManualConfig
    {
        public InstructionSetJobs()
        {
            var job = Job.Default.WithWarmupCount(3).WithIterationCount(15);
            AddJob(job.WithId("avx512"));
            AddJob(job.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0"),
                new EnvironmentVariable("DOTNET_EnableAVX512F", "0")).WithId("avx2"));
        }
    }
}
