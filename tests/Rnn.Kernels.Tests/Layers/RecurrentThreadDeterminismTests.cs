using System.Runtime.InteropServices;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>
/// A recurrent layer's forward and backward give the same bits on 1, 2 and 3 threads, also for a short last piece
/// of the batch and for batches of many pieces (whose weight gradients are summed in groups), and a packed
/// (variable-length) bidirectional stack likewise.
/// </summary>
public sealed class RecurrentThreadDeterminismTests
{
    [Theory]
    [InlineData(RecurrentCell.Lstm, 19)]  // two pieces, the second short
    [InlineData(RecurrentCell.Lstm, 150)] // ten pieces in five gradient groups
    [InlineData(RecurrentCell.Lstm, 300)] // nineteen pieces in eight groups
    [InlineData(RecurrentCell.Gru, 19)]
    [InlineData(RecurrentCell.Gru, 150)]
    [InlineData(RecurrentCell.SimpleRnn, 19)]
    [InlineData(RecurrentCell.SimpleRnn, 150)]
    public void OneTwoAndThreeThreadsGiveTheSameBits(RecurrentCell cell, int batch)
    {
        const int steps = 5, input = 7, hidden = 24;
        string? expected = null;
        foreach (var threads in new[] { 1, 2, 3 })
        {
            using var compute = new CpuCompute(threads);
            var @case = new RecurrentLayerCase(cell, input, hidden, compute);
            var (layer, parameters) = (@case.Layer, @case.Parameters);
            var Random = @case.Random;
            var states = layer.StateCount * batch * hidden;
            var x = Random(steps * batch * input);
            var state0 = Random(states);
            var dy = Random(steps * batch * hidden);
            var dStateT = Random(states);
            var y = new float[steps * batch * hidden];
            var stateT = new float[states];
            var dx = new float[x.Length];
            var dState0 = new float[states];
            var gradients = new float[parameters.Length];
            layer.Forward(parameters, x, state0, y, stateT, steps, batch);
            layer.Backward(parameters, dy, dStateT, dx, dState0, gradients);

            var actual = string.Join(" ", new[] { y, stateT, dx, dState0, gradients }.Select(Hash));
            if (expected is null) expected = actual;
            else Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.SimpleRnn)]
    public void PackedBidirectionalStackGivesTheSameBitsOnOneTwoAndThreeThreads(RecurrentCell cell)
    {
        // 37 samples (three pieces, the last short) with unsorted lengths 1..T, two bidirectional levels.
        const int steps = 7, batch = 37, input = 5, hidden = 24, depth = 2;
        var lengths = new int[batch];
        var draw = new DeterministicRandom(9);
        for (var b = 0; b < batch; b++) lengths[b] = 1 + draw.NextInt(steps);
        lengths[4] = steps;
        string? expected = null;
        foreach (var threads in new[] { 1, 2, 3 })
        {
            using var compute = new CpuCompute(threads);
            var (layers, layout) = PackedSequenceTests.Stack(cell, bidirectional: true, input, hidden, depth, compute);
            var random = new DeterministicRandom(4);
            float[] Random(int n) => Enumerable.Range(0, n).Select(_ => 2f * random.NextFloat() - 1f).ToArray();
            var parameters = Random(layout.TotalLength);
            var states = layers[0].StateCount * layers.Count * batch * hidden;
            var x = Random(steps * batch * input);
            var state0 = Random(states);
            var dy = Random(steps * batch * 2 * hidden);
            var dStateT = Random(states);
            var y = new float[dy.Length];
            var stateT = new float[states];
            var dx = new float[x.Length];
            var dState0 = new float[states];
            var gradients = new float[parameters.Length];
            using var stack = new Rnn.Kernels.Backends.CpuRecurrentStackExecutor(layers);
            stack.Forward(parameters, x, state0, y, stateT, steps, batch, lengths);
            stack.Backward(parameters, dy, dStateT, dx, dState0, gradients);

            var actual = string.Join(" ", new[] { y, stateT, dx, dState0, gradients }.Select(Hash));
            if (expected is null) expected = actual;
            else Assert.Equal(expected, actual);
        }
    }

    private static string Hash(float[] values) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));
}
