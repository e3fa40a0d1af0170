using Rnn.Harness.Golden;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Ilgpu.Tests;

/// <summary>
/// A bidirectional stack with per-sample lengths through the ILGPU executor equals the CPU executor, also when no
/// sample runs the window's last steps: outputs, final states, input, state and parameter gradients.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public class IlgpuPackedStackTests(IlgpuCpuFixture fixture)
{
    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.SimpleRnn)]
    public void PackedBidirectionalStackMatchesCpu(RecurrentCell cell)
    {
        const int input = 3, hidden = 4, steps = 6, batch = 5;
        int[] lengths = [2, 4, 1, 4, 3];
        using var compute = new CpuCompute(1);
        var layout = new ParameterLayout();
        var layers = new List<RecurrentLayer>();
        for (var l = 0; l < 2; l++)
            for (var d = 0; d < 2; d++)
                layers.Add(RecurrentLayer.Create(cell, layout, l, l == 0 ? input : 2 * hidden, hidden, compute, reverse: d == 1));
        var random = new DeterministicRandom(8);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => 2f * random.NextFloat() - 1f).ToArray();
        var parameters = Random(layout.TotalLength);
        var states = layers[0].StateCount * layers.Count * batch * hidden;
        var x = Random(steps * batch * input);
        var state0 = Random(states);
        var dy = Random(steps * batch * 2 * hidden);
        var dStateT = Random(states);

        float[][] Run(IRecurrentStackExecutor stack)
        {
            var y = new float[dy.Length];
            var stateT = new float[states];
            var dx = new float[x.Length];
            var dState0 = new float[states];
            var gradients = new float[parameters.Length];
            stack.Forward(parameters, x, state0, y, stateT, steps, batch, lengths);
            stack.Backward(parameters, dy, dStateT, dx, dState0, gradients);
            return [y, stateT, dx, dState0, gradients];
        }

        using var cpu = new CpuRecurrentStackExecutor(layers);
        using var gpu = fixture.Backend.CreateRecurrentStack(layers);
        var expected = Run(cpu);
        var actual = Run(gpu);
        string[] names = ["y", "h_n", "dx", "dh0", "gradients"];
        for (var i = 0; i < names.Length; i++)
        {
            var comparison = TensorComparison.Compare(names[i], actual[i], expected[i]);
            Assert.True(comparison.WithinTolerance, $"{names[i]}: max abs error {comparison.MaxAbsoluteError:E2}");
        }
        // Past each length: zero output.
        Assert.All(Enumerable.Range(0, 2 * hidden), j => Assert.Equal(0f, actual[0][((5 * batch) + 1) * 2 * hidden + j]));
    }
}
