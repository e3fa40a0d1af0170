using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>One recurrent layer with initialised parameters and seeded random inputs in [-1, 1), for layer tests.</summary>
internal sealed class RecurrentLayerCase
{
    private readonly DeterministicRandom _random = new(4);

    public RecurrentLayerCase(RecurrentCell cell, int input, int hidden, CpuCompute compute)
    {
        var layout = new ParameterLayout();
        Layer = RecurrentLayer.Create(cell, layout, 0, input, hidden, compute);
        Parameters = new float[layout.TotalLength];
        Layer.Initialize(Parameters, new DeterministicRandom(3));
    }

    public RecurrentLayer Layer { get; }

    public float[] Parameters { get; }

    /// <summary>The next <paramref name="n"/> values of the case's seeded sequence.</summary>
    public float[] Random(int n)
    {
        var a = new float[n];
        for (var i = 0; i < n; i++) a[i] = 2f * _random.NextFloat() - 1f;
        return a;
    }
}
