using Rnn.Kernels.Compute;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;
using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Tests.Models;

public class SequentialModelTests
{
    [Fact]
    public void ParameterNamesFollowPyTorch()
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(28, false, compute)
            .AddRecurrent(RecurrentCell.Lstm, 8, true).AddRecurrent(RecurrentCell.Lstm, 4, false).AddDense(10);
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "dense.weight", "dense.bias"],
            model.Layout.Views.Select(v => v.Name));
        Assert.Equal([32, 28], model.Layout["weight_ih_l0"].Shape);
        Assert.Equal([16, 8], model.Layout["weight_ih_l1"].Shape);
        Assert.Equal([10, 4], model.Layout["dense.weight"].Shape);
        Assert.False(model.SequenceOutput);
    }

    [Fact]
    public void InitializationIsSeededAndWithinPyTorchBounds()
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(3, false, compute).AddRecurrent(RecurrentCell.Gru, 16, false).AddDense(2);
        var a = new float[model.Layout.TotalLength];
        var b = new float[model.Layout.TotalLength];
        var c = new float[model.Layout.TotalLength];
        model.Initialize(a, 7);
        model.Initialize(b, 7);
        model.Initialize(c, 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        var w = model.Layout["weight_hh_l0"].Of(a);
        Assert.All(w.ToArray(), v => Assert.InRange(v, -0.25f, 0.25f));
        Assert.True(w.ToArray().Max() > 0.2f && w.ToArray().Min() < -0.2f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TokenModelGradientsMatchFiniteDifferences(bool carried)
    {
        const int vocab = 7, steps = 4, batch = 2;
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(vocab, true, compute)
            .AddEmbedding(3).AddRecurrent(RecurrentCell.Lstm, 4, true).AddDropout(0.3f)
            .AddRecurrent(RecurrentCell.Gru, 5, true).AddDense(vocab);
        Assert.True(model.SequenceOutput);
        var random = new DeterministicRandom(11);
        var p = new float[model.Layout.TotalLength];
        model.Initialize(p, 3);
        var tokens = Enumerable.Range(0, steps * batch).Select(_ => random.NextInt(vocab)).ToArray();
        var weights = Enumerable.Range(0, steps * batch * vocab).Select(_ => 2f * random.NextFloat() - 1f).ToArray();
        var state0 = model.CreateState(batch);
        if (carried)
            foreach (var layer in state0.Layers)
                for (var i = 0; i < layer.Length; i++) layer[i] = 2f * random.NextFloat() - 1f;

        double Loss()
        {
            var state = carried ? state0.Clone() : null;
            var output = model.Forward(p, default, tokens, steps, batch, state, training: true, dropoutSeed: 5);
            double sum = 0;
            for (var i = 0; i < output.Length; i++) sum += (double)output[i] * weights[i];
            return sum;
        }

        Loss();
        var grads = new float[p.Length];
        model.Backward(p, weights, grads);
        const float h = 1e-2f;
        for (var i = 0; i < p.Length; i++)
        {
            var saved = p[i];
            p[i] = saved + h;
            var plus = Loss();
            p[i] = saved - h;
            var minus = Loss();
            p[i] = saved;
            var numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - grads[i]) <= 2e-3 + 2e-2 * Math.Abs(numeric),
                $"parameter {i}: analytic {grads[i]:G6}, finite difference {numeric:G6}");
        }
    }

    [Fact]
    public void CarriedStateIsOverwrittenWithTheFinalState()
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(2, false, compute).AddRecurrent(RecurrentCell.Lstm, 3, false).AddDense(1);
        var p = new float[model.Layout.TotalLength];
        model.Initialize(p, 1);
        var x = new float[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        // Two windows of 2 steps with carried state equal one window of 4 steps.
        var state = model.CreateState(1);
        model.Forward(p, x.AsSpan(0, 4), default, 2, 1, state, false, 0);
        var split = model.Forward(p, x.AsSpan(4, 4), default, 2, 1, state, false, 0).ToArray();
        var whole = model.Forward(p, x, default, 4, 1, null, false, 0).ToArray();
        Assert.Equal(whole, split);
    }
}
