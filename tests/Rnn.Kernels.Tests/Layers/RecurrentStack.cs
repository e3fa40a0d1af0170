using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>
/// A test harness: L recurrent layers of one cell, each starting from its own state, with the loss
/// Σ y_top ⊙ gy + Σ_l stateT_l ⊙ gs_l (the golden cases' loss). Used by finite-difference checks.
/// </summary>
internal sealed class RecurrentStack
{
    public RecurrentStack(RecurrentCell cell, int inputSize, int hiddenSize, int depth, CpuCompute compute)
    {
        for (var l = 0; l < depth; l++)
        {
            var input = l == 0 ? inputSize : hiddenSize;
            Layers.Add(RecurrentLayer.Create(cell, Layout, l, input, hiddenSize, compute));
        }
    }

    public ParameterLayout Layout { get; } = new();

    public List<RecurrentLayer> Layers { get; } = [];

    public int StateLength(int batch) => Layers[0].StateCount * batch * Layers[0].HiddenSize;

    /// <summary>Forward; returns y of the top layer and each layer's final state.</summary>
    public (float[] Y, float[][] StatesT) Forward(float[] p, float[] x, float[][] states0, int steps, int batch)
    {
        var input = x;
        var statesT = new float[Layers.Count][];
        for (var l = 0; l < Layers.Count; l++)
        {
            var y = new float[steps * batch * Layers[l].HiddenSize];
            statesT[l] = new float[StateLength(batch)];
            Layers[l].Forward(p, input, states0[l], y, statesT[l], steps, batch);
            input = y;
        }
        return (input, statesT);
    }

    /// <summary>Backward with gy on the top output and gs on each final state; returns dx, dstate0 and dparams.</summary>
    public (float[] Dx, float[][] DStates0, float[] DParams) Backward(float[] p, float[] gy, float[][] gs, int steps, int batch)
    {
        var grads = new float[Layout.TotalLength];
        var dStates0 = new float[Layers.Count][];
        var dy = gy;
        for (var l = Layers.Count - 1; l >= 0; l--)
        {
            var dx = new float[steps * batch * Layers[l].InputSize];
            dStates0[l] = new float[StateLength(batch)];
            Layers[l].Backward(p, dy, gs[l], dx, dStates0[l], grads);
            dy = dx;
        }
        return (dy, dStates0, grads);
    }

    public double Loss(float[] p, float[] x, float[][] states0, float[] gy, float[][] gs, int steps, int batch)
    {
        var (y, statesT) = Forward(p, x, states0, steps, batch);
        double loss = 0;
        for (var i = 0; i < y.Length; i++) loss += (double)y[i] * gy[i];
        for (var l = 0; l < statesT.Length; l++)
            for (var i = 0; i < statesT[l].Length; i++) loss += (double)statesT[l][i] * gs[l][i];
        return loss;
    }
}
