using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;
using Rnn.Kernels.Tests.Layers;

namespace Rnn.Kernels.Tests.Models;

/// <summary>Bidirectional recurrent layers and per-sample lengths in a <see cref="SequentialModel"/>.</summary>
public class BidirectionalModelTests
{
    [Fact]
    public void ReverseParametersAreNamedAsPyTorch()
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(3, false, compute)
            .AddRecurrent(RecurrentCell.Gru, 4, true, bidirectional: true).AddRecurrent(RecurrentCell.Gru, 4, false).AddDense(2);
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
             "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
             "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "dense.weight", "dense.bias"],
            model.Layout.Views.Select(v => v.Name));
        // The second layer reads the concatenated [forward, reverse] outputs.
        Assert.Equal([12, 8], model.Layout["weight_ih_l1"].Shape);
    }

    [Theory]
    [InlineData(BidirectionalMerge.Concat, 8)]
    [InlineData(BidirectionalMerge.Sum, 4)]
    [InlineData(BidirectionalMerge.Multiply, 4)]
    [InlineData(BidirectionalMerge.Average, 4)]
    public void MergeModeSetsTheOutputWidth(BidirectionalMerge merge, int width)
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(3, false, compute).AddRecurrent(RecurrentCell.Lstm, 4, false, bidirectional: true, merge);
        Assert.Equal(width, model.OutputSize);
        Assert.True(model.IsBidirectional);
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm, BidirectionalMerge.Concat, false)]
    [InlineData(RecurrentCell.Gru, BidirectionalMerge.Sum, true)]
    [InlineData(RecurrentCell.SimpleRnn, BidirectionalMerge.Multiply, false)]
    [InlineData(RecurrentCell.Lstm, BidirectionalMerge.Average, true)]
    public void ModelGradientsWithLengthsMatchFiniteDifferences(RecurrentCell cell, BidirectionalMerge merge, bool sequenceOutput)
    {
        const int steps = 4, batch = 3, input = 2;
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(input, false, compute)
            .AddRecurrent(cell, 3, true, bidirectional: true, merge)
            .AddRecurrent(cell, 3, sequenceOutput, bidirectional: true, merge).AddDense(2);
        var random = new DeterministicRandom(5);
        var p = new float[model.Layout.TotalLength];
        model.Initialize(p, 3);
        var x = FiniteDifference.Fill(random, steps * batch * input, 1f);
        int[] lengths = [2, 4, 1];
        var rows = sequenceOutput ? steps * batch : batch;
        var weights = FiniteDifference.Fill(random, rows * 2, 1f);
        double Loss()
        {
            var output = model.Forward(p, x, default, steps, batch, null, false, 0, lengths);
            double loss = 0;
            for (var i = 0; i < output.Length; i++) loss += (double)output[i] * weights[i];
            return loss;
        }
        Loss();
        var dp = new float[p.Length];
        model.Backward(p, weights, dp);
        FiniteDifference.AssertMatches("parameters", p, dp, Loss);
    }

    [Fact]
    public void LastStepOutputIsEachSamplesOwnLastValidStep()
    {
        // A unidirectional model without return_sequences over lengths equals the same model on each sample alone.
        const int steps = 5, batch = 3, input = 2;
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(input, false, compute).AddRecurrent(RecurrentCell.Gru, 3, false).AddDense(2);
        var p = new float[model.Layout.TotalLength];
        model.Initialize(p, 1);
        var x = FiniteDifference.Fill(new DeterministicRandom(2), steps * batch * input, 1f);
        int[] lengths = [3, 5, 1];
        var batched = model.Forward(p, x, default, steps, batch, null, false, 0, lengths).ToArray();
        for (var b = 0; b < batch; b++)
        {
            var alone = new float[lengths[b] * input];
            for (var t = 0; t < lengths[b]; t++) Array.Copy(x, (t * batch + b) * input, alone, t * input, input);
            var expected = model.Forward(p, alone, default, lengths[b], 1, null, false, 0).ToArray();
            Assert.Equal(expected, batched.AsSpan(b * 2, 2).ToArray());
        }
    }

    [Fact]
    public void PackedBidirectionalModelStepAllocatesNothingAfterWarmUp()
    {
        const int steps = 6, batch = 19, input = 3;
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(input, false, compute)
            .AddRecurrent(RecurrentCell.Lstm, 5, true, bidirectional: true)
            .AddRecurrent(RecurrentCell.Gru, 4, false, bidirectional: true, BidirectionalMerge.Sum).AddDense(3);
        var p = new float[model.Layout.TotalLength];
        model.Initialize(p, 1);
        var x = FiniteDifference.Fill(new DeterministicRandom(3), steps * batch * input, 1f);
        var lengths = Enumerable.Range(0, batch).Select(b => 1 + b % steps).ToArray();
        var dOutput = new float[batch * 3];
        var gradients = new float[p.Length];
        void Step()
        {
            model.Forward(p, x, default, steps, batch, null, true, 0, lengths);
            model.Backward(p, dOutput, gradients);
        }
        Step();
        Step();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 3; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BidirectionalModelRefusesCarriedState()
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(2, false, compute).AddRecurrent(RecurrentCell.Lstm, 3, true, bidirectional: true);
        var error = Assert.Throws<ArgumentException>(() =>
            model.Forward(new float[model.Layout.TotalLength], new float[2 * 1 * 2], default, 2, 1, model.CreateState(1), false, 0));
        Assert.Contains("a bidirectional layer cannot carry state from one window to the next", error.Message);
    }

    [Fact]
    public void LengthOutsideTheWindowNamesTheSample()
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(2, false, compute).AddRecurrent(RecurrentCell.Gru, 3, false);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            model.Forward(new float[model.Layout.TotalLength], new float[3 * 2 * 2], default, 3, 2, null, false, 0, [3, 4]));
        Assert.Contains("sample 1 has length 4; lengths must be in 1..3", error.Message);
    }
}
