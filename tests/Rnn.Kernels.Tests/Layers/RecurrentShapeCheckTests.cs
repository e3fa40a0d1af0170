using Rnn.Kernels.Compute;
using Rnn.Kernels.Models;
using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>
/// The LSTM reads and writes the caller's spans in place through pinned pointers, so short spans must be refused
/// before any piece runs: an error naming the span and the size it needs, never a write past its end.
/// </summary>
public sealed class RecurrentShapeCheckTests
{
    private const int Input = 3, Hidden = 5, Steps = 4, Batch = 18;

    [Theory]
    [InlineData("dy")]
    [InlineData("dStateT")]
    [InlineData("dx")]
    [InlineData("dState0")]
    public void LstmBackwardRefusesAShortSpanByName(string name)
    {
        using var compute = new CpuCompute(2);
        var c = new RecurrentLayerCase(RecurrentCell.Lstm, Input, Hidden, compute);
        int rows = Steps * Batch, states = 2 * Batch * Hidden;
        c.Layer.Forward(c.Parameters, c.Random(rows * Input), new float[states], new float[rows * Hidden], new float[states], Steps, Batch);
        var dy = new float[rows * Hidden - (name == "dy" ? 1 : 0)];
        var dStateT = new float[states - (name == "dStateT" ? 1 : 0)];
        var dx = new float[rows * Input - (name == "dx" ? 1 : 0)];
        var dState0 = new float[states - (name == "dState0" ? 1 : 0)];
        var gradients = new float[c.Parameters.Length];
        var e = Assert.Throws<ArgumentException>(() => c.Layer.Backward(c.Parameters, dy, dStateT, dx, dState0, gradients));
        Assert.Equal(name, e.ParamName);
        Assert.Contains("needs", e.Message);
        Assert.All(gradients, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void LstmForwardRefusesAShortOutput()
    {
        using var compute = new CpuCompute(2);
        var c = new RecurrentLayerCase(RecurrentCell.Lstm, Input, Hidden, compute);
        int rows = Steps * Batch, states = 2 * Batch * Hidden;
        var e = Assert.Throws<ArgumentException>(() => c.Layer.Forward(c.Parameters, c.Random(rows * Input),
            new float[states], new float[rows * Hidden - 1], new float[states], Steps, Batch));
        Assert.Equal("y", e.ParamName);
    }
}
