using Rnn.Kernels.Backends;
using Rnn.Kernels.Compute;
using Rnn.Harness.Golden;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Ilgpu.Tests;

/// <summary>
/// The benchmark's step (loss = Σ y from zero states) through each executor equals the layers' own forward and
/// backward with dy = 1: bit for bit on the CPU executor, within float rounding on the ILGPU one.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public class SumLossStepTests(IlgpuCpuFixture fixture)
{
    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.SimpleRnn)]
    public void StepWithSumLossEqualsForwardAndBackwardWithUnitOutputGradients(RecurrentCell cell)
    {
        const int input = 3, hidden = 4, steps = 5, batch = 2;
        using var compute = new CpuCompute(1);
        var layout = new ParameterLayout();
        RecurrentLayer[] stack =
        [
            RecurrentLayer.Create(cell, layout, 0, input, hidden, compute),
            RecurrentLayer.Create(cell, layout, 1, hidden, hidden, compute),
        ];
        var parameters = new float[layout.TotalLength];
        foreach (var layer in stack) layer.Initialize(parameters, new DeterministicRandom(3));
        var x = new float[steps * batch * input];
        var random = new DeterministicRandom(4);
        for (var i = 0; i < x.Length; i++) x[i] = 2f * random.NextFloat() - 1f;

        // The reference: the stack's Forward/Backward with dy = 1 and zero states.
        var states = stack[0].StateCount * stack.Length * batch * hidden;
        using var reference = new CpuRecurrentStackExecutor(stack);
        var y = new float[steps * batch * hidden];
        reference.Forward(parameters, x, new float[states], y, new float[states], steps, batch);
        var dy = new float[y.Length];
        Array.Fill(dy, 1f);
        var expected = new float[parameters.Length];
        reference.Backward(parameters, dy, new float[states], new float[x.Length], new float[states], expected);

        using var cpu = new CpuRecurrentStackExecutor(stack);
        var cpuGradient = new float[parameters.Length];
        cpu.StepWithSumLoss(parameters, x, steps, batch, cpuGradient);
        Assert.Equal(expected, cpuGradient);
        cpu.StepWithSumLoss(parameters, x, steps, batch, cpuGradient); // adds: twice the gradient, up to rounding
        Assert.True(TensorComparison.Compare("twice", cpuGradient, expected.Select(g => 2f * g).ToArray()).WithinTolerance);

        using var gpu = fixture.Backend.CreateRecurrentStack(stack);
        var gpuGradient = new float[parameters.Length];
        gpu.StepWithSumLoss(parameters, x, steps, batch, gpuGradient);
        var comparison = TensorComparison.Compare("gradient", gpuGradient, expected);
        Assert.True(comparison.WithinTolerance, $"max abs error {comparison.MaxAbsoluteError:E2}");
        Assert.Contains(expected, g => g != 0f);
    }
}
