using Rnn.Kernels.Backends;
using Rnn.Kernels.Compute;
using Rnn.Harness.Golden;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Losses;

namespace Rnn.Kernels.Ilgpu.Tests;

/// <summary>Small random models: the ILGPU executor's output, loss and gradient equal the CPU executor's.</summary>
[Collection(IlgpuCpuCollection.Name)]
public class IlgpuModelGradientTests(IlgpuCpuFixture fixture)
{
    [Fact]
    public void StackedLstmGruSequenceClassifierMatchesCpu()
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(3, false, compute)
            .AddRecurrent(RecurrentCell.Lstm, 5, returnSequences: true)
            .AddRecurrent(RecurrentCell.Gru, 4, returnSequences: true)
            .AddDense(3);
        var batch = new SequenceBatch(4, 2, 3, tokens: false, labelRows: 8, targetsPerRow: 0);
        Fill(batch.Features, 11);
        int[] labels = [0, 2, 1, SoftmaxCrossEntropyIgnore, 2, 0, 1, 1];
        labels.CopyTo(batch.Labels, 0);
        AssertSameAsCpu(model, compute, batch, LossKind.SparseCategoricalCrossEntropy, carryState: false);
    }

    [Fact]
    public void SimpleRnnRegressorWithCarriedStateMatchesCpu()
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(2, false, compute)
            .AddRecurrent(RecurrentCell.SimpleRnn, 4, returnSequences: false)
            .AddDense(3)
            .AddDense(2);
        var batch = new SequenceBatch(3, 3, 2, tokens: false, labelRows: 3, targetsPerRow: 2);
        Fill(batch.Features, 21);
        Fill(batch.Targets, 22);
        AssertSameAsCpu(model, compute, batch, LossKind.MeanSquaredError, carryState: true);
    }

    private const int SoftmaxCrossEntropyIgnore = Losses.SoftmaxCrossEntropy.IgnoreLabel;

    private void AssertSameAsCpu(SequentialModel model, CpuCompute compute, SequenceBatch batch, LossKind loss, bool carryState)
    {
        var parameters = new float[model.Layout.TotalLength];
        model.Initialize(parameters, 7);
        using var cpu = new CpuBackend(compute).CreateModelExecutor(model);
        using var gpu = fixture.Backend.CreateModelExecutor(model);

        var cpuState = carryState ? model.CreateState(batch.Batch) : null;
        var gpuState = carryState ? model.CreateState(batch.Batch) : null;
        // Two steps, so the carried state of the first feeds the second.
        for (var step = 0; step < 2; step++)
        {
            var cpuGradient = new float[parameters.Length];
            var gpuGradient = new float[parameters.Length];
            var cpuResult = cpu.ComputeGradient(parameters, batch, cpuState, loss, 0, cpuGradient);
            var gpuResult = gpu.ComputeGradient(parameters, batch, gpuState, loss, 0, gpuGradient);
            Assert.Equal(cpuResult.LossSum, gpuResult.LossSum, 5);
            Assert.Equal(cpuResult.LossCount, gpuResult.LossCount);
            Assert.Equal(cpuResult.Correct, gpuResult.Correct);
            Assert.Equal(cpuResult.Rows, gpuResult.Rows);
            foreach (var view in model.Layout.Views)
                AssertClose("d" + view.Name, view.Of(gpuGradient), view.Of(cpuGradient));
            Assert.Contains(cpuGradient, g => g != 0f);
            if (carryState)
                for (var l = 0; l < cpuState!.Layers.Count; l++)
                    AssertClose($"state{l}", gpuState!.Layers[l], cpuState.Layers[l]);
        }
        AssertClose("output", gpu.Forward(parameters, batch, null), cpu.Forward(parameters, batch, null).ToArray());
    }

    private static void AssertClose(string name, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        var comparison = TensorComparison.Compare(name, actual, expected);
        Assert.True(comparison.WithinTolerance, $"{name}: max abs error {comparison.MaxAbsoluteError:E2}");
    }

    private static void Fill(float[] values, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        for (var i = 0; i < values.Length; i++) values[i] = 2f * random.NextFloat() - 1f;
    }
}
