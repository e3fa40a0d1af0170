using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Losses;
using Rnn.Kernels.Tensors;
using Rnn.Kernels.Tests.Layers;
using Rnn.Training.Jobs;
using Rnn.Training.Steps;
using Rnn.Training.SingleProcess;

namespace Rnn.Kernels.Tests.InstructionSets;

/// <summary>
/// Hashes of results that go through every width-dependent kernel: GEMMs with full, paired and edge tiles over two
/// depth blocks, each recurrent layer's forward and backward (gate math with 16-, 8- and padded tails), softmax cross-entropy
/// over rows of 84, 13 and 40 classes (16-lane sums with tails), and short
/// trainings with Adam (text GRU, clipping) and SGD (MNIST LSTM). One process computes them with AVX-512 and a child
/// started with DOTNET_EnableAVX512F=0 computes them with AVX2; the lines must match but for the first.
/// </summary>
internal static class InstructionSetFingerprint
{
    /// <summary>The argument that makes the test assembly's entry point print the fingerprint.</summary>
    public const string ChildArgument = "--instruction-set-fingerprint";

    private const string TextJob = """
        { "name": "isa-text", "seed": 5,
          "data": { "kind": "text", "path": "data/text/moby-dick.txt", "window": 12, "limit": 8000 },
          "model": { "layers": [ { "type": "embedding", "units": 8 }, { "type": "gru", "units": 20, "return_sequences": true },
                                 { "type": "dense", "units": "vocab" } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "adam", "lr": 0.01, "clip_norm": 0.5 },
          "training": { "steps": 4, "batch_size": 8, "shards": 2 } }
        """;

    private const string MnistJob = """
        { "name": "isa-mnist", "seed": 5,
          "data": { "kind": "mnist-rows", "path": "data/mnist", "limit": 128 },
          "model": { "layers": [ { "type": "lstm", "units": 20, "return_sequences": true }, { "type": "simple_rnn", "units": 20 },
                                 { "type": "dense", "units": 10 } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "sgd", "lr": 0.05, "momentum": 0.9 },
          "training": { "steps": 4, "batch_size": 32, "shards": 2 } }
        """;

    /// <summary>"avx512" where the 512-bit kernels run, else "avx2".</summary>
    public static string InstructionSet => GemmMicroKernel.BestKind == GemmKernelKind.Fma512 ? "avx512" : "avx2";

    public static IReadOnlyList<string> Compute()
    {
        var lines = new List<string> { $"isa {InstructionSet} vector512 {Vector512.IsHardwareAccelerated}" };
        using var compute = new CpuCompute(2);
        lines.Add("gemm " + GemmHash(compute));
        foreach (var cell in new[] { RecurrentCell.Lstm, RecurrentCell.Gru, RecurrentCell.SimpleRnn })
            lines.Add($"{cell} " + LayerHash(cell, compute));
        lines.Add("softmax " + SoftmaxHash());
        foreach (var job in new[] { TextJob, MnistJob })
        {
            using var trainer = new Trainer(TrainingSetup.Load(JobSpecParser.Parse(job, "job"), RepositoryPaths.Root));
            while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
            lines.Add("train " + ParameterHash.Sha256(trainer.Layout, trainer.Parameters));
        }
        return lines;
    }

    private static string GemmHash(CpuCompute compute)
    {
        var random = new DeterministicRandom(11);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => 2f * random.NextFloat() - 1f).ToArray();
        // m = 64: five paired 12-row tiles and a 4-row one; n = 40: two full panels and an edge; k = 300: two depth blocks
        const int m = 64, n = 40, k = 300;
        var a = Random(m * k);
        var b = Random(k * n);
        var c = Random(m * n);
        compute.Gemm(false, false, m, n, k, a, b, c, accumulate: true);
        var d = new float[n * m];
        compute.Gemm(true, true, n, m, k, b, a, d, accumulate: false);
        return Hash(c) + " " + Hash(d);
    }

    private static string LayerHash(RecurrentCell cell, CpuCompute compute)
    {
        // hidden 20: a 16-float block, then an 8-float one or a padded tail; batch 19: a full piece and a short one
        const int steps = 3, input = 9, hidden = 20, batch = 19;
        var @case = new RecurrentLayerCase(cell, input, hidden, compute);
        var (layer, parameters) = (@case.Layer, @case.Parameters);
        var states = layer.StateCount * batch * hidden;
        var x = @case.Random(steps * batch * input);
        var state0 = @case.Random(states);
        var dy = @case.Random(steps * batch * hidden);
        var dStateT = @case.Random(states);
        var y = new float[steps * batch * hidden];
        var stateT = new float[states];
        var dx = new float[x.Length];
        var dState0 = new float[states];
        var gradients = new float[parameters.Length];
        layer.Forward(parameters, x, state0, y, stateT, steps, batch);
        layer.Backward(parameters, dy, dStateT, dx, dState0, gradients);
        return string.Join(" ", new[] { y, stateT, dx, dState0, gradients }.Select(Hash));
    }

    private static string SoftmaxHash()
    {
        // 84 classes: five 16-float chunks and a 4-float tail (the character model's dense 84); 13: a tail only; 40:
        // two chunks and an 8-float tail, which the 256-bit path reads as one whole vector and one of zeros
        var random = new DeterministicRandom(12);
        var parts = new List<string>();
        foreach (var classes in new[] { 84, 13, 40 })
        {
            const int rows = 23;
            var logits = Enumerable.Range(0, rows * classes).Select(_ => 30f * random.NextFloat() - 15f).ToArray();
            var labels = Enumerable.Range(0, rows).Select(r => r % 5 == 4 ? SoftmaxCrossEntropy.IgnoreLabel : (r * 11) % classes).ToArray();
            var dLogits = new float[logits.Length];
            var probabilities = new float[logits.Length];
            var loss = SoftmaxCrossEntropy.Compute(logits, rows, classes, labels, dLogits, 1f / rows);
            SoftmaxCrossEntropy.Softmax(logits, rows, classes, probabilities);
            parts.Add(Hash([loss, .. dLogits]) + " " + Hash(probabilities));
        }
        return string.Join(" ", parts);
    }

    private static string Hash(float[] values) => Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())))[..16];
}
