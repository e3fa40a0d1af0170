using System.Runtime.InteropServices;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>
/// A recurrent layer's forward and backward give the same bits on 1, 2 and 3 threads, also for a short last piece
/// of the batch and for batches of many pieces (whose weight gradients are summed in groups).
/// </summary>
public sealed class RecurrentThreadDeterminismTests
{
    [Theory]
    [InlineData(RecurrentCell.Lstm, 19)]  // two pieces, the second short
    [InlineData(RecurrentCell.Lstm, 150)] // ten pieces in five gradient groups
    [InlineData(RecurrentCell.Lstm, 300)] // nineteen pieces in eight groups
    [InlineData(RecurrentCell.Gru, 19)]
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

    private static string Hash(float[] values) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));
}
