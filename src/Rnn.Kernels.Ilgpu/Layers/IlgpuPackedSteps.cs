using ILGPU;
using ILGPU.Runtime;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Layers;

/// <summary>
/// The host's <see cref="PackedSteps"/> of a window and the row maps the device needs to move between the caller's
/// padded [T, B] rows and the packed slots (see there), uploaded once per window: x into the input slots, dx and y
/// back out, each sample's final state from its own last step; and, for a bidirectional layer, each sample's steps
/// in reverse order. Nothing is uploaded when every sample runs all T steps.
/// </summary>
internal sealed class IlgpuPackedSteps(Accelerator accelerator) : IDisposable
{
    private int[] _inputGather = [], _inputScatter = [], _outputScatter = [], _finalGather = [], _reverse = [];
    private readonly DeviceBuffer<int> _inputGatherBuffer = new(accelerator), _inputScatterBuffer = new(accelerator),
        _outputScatterBuffer = new(accelerator), _finalGatherBuffer = new(accelerator), _reverseBuffer = new(accelerator);

    public PackedSteps Steps { get; } = new();

    /// <summary>Packed input row → padded row t·B + b (−1 for the zero rows of ended samples), [Rows].</summary>
    public ArrayView<int> InputGather { get; private set; }

    /// <summary>Padded row (t, b) → its packed input row, −1 past the sample's length, [T·B].</summary>
    public ArrayView<int> InputScatter { get; private set; }

    /// <summary>Padded row (t, b) → the packed hidden-state row of h_t, −1 past the sample's length, [T·B].</summary>
    public ArrayView<int> OutputScatter { get; private set; }

    /// <summary>Sample b → the packed hidden-state row of its state after its own last step, [B].</summary>
    public ArrayView<int> FinalGather { get; private set; }

    public void Set(ReadOnlySpan<int> sortedLengths, int steps, int batch)
    {
        Steps.Set(sortedLengths, steps, batch);
        if (Steps.IsFull) return;
        var p = Steps;
        _inputGather = Fit(_inputGather, p.Rows);
        _inputScatter = Fit(_inputScatter, steps * batch);
        _outputScatter = Fit(_outputScatter, steps * batch);
        _finalGather = Fit(_finalGather, batch);
        for (var t = 0; t < steps; t++)
        {
            int active = p.Active(t), slot = p.Offset(t + 1) - p.Offset(t);
            for (var r = 0; r < slot; r++) _inputGather[p.Offset(t) + r] = r < active ? t * batch + r : -1;
            for (var b = 0; b < batch; b++)
            {
                _inputScatter[t * batch + b] = b < active ? p.Offset(t) + b : -1;
                _outputScatter[t * batch + b] = b < active ? p.Offset(t + 1) + b : -1;
            }
        }
        for (var b = 0; b < batch; b++) _finalGather[b] = p.Offset(p.Length(b)) + b;
        InputGather = _inputGatherBuffer.Upload(_inputGather.AsSpan(0, p.Rows));
        InputScatter = _inputScatterBuffer.Upload(_inputScatter.AsSpan(0, steps * batch));
        OutputScatter = _outputScatterBuffer.Upload(_outputScatter.AsSpan(0, steps * batch));
        FinalGather = _finalGatherBuffer.Upload(_finalGather.AsSpan(0, batch));
    }

    /// <summary>
    /// Padded row (t, b) → row (n_b − 1 − t, b), −1 for t ≥ n_b: a sample's steps in reverse order (its own inverse).
    /// </summary>
    public ArrayView<int> Reverse()
    {
        int steps = Steps.Steps, batch = Steps.Batch;
        _reverse = Fit(_reverse, steps * batch);
        for (var t = 0; t < steps; t++)
            for (var b = 0; b < batch; b++)
            {
                var n = Steps.Length(b);
                _reverse[t * batch + b] = t < n ? (n - 1 - t) * batch + b : -1;
            }
        return _reverseBuffer.Upload(_reverse.AsSpan(0, steps * batch));
    }

    private static int[] Fit(int[] buffer, int length) => buffer.Length >= length ? buffer : new int[length];

    public void Dispose()
    {
        foreach (var buffer in new[] { _inputGatherBuffer, _inputScatterBuffer, _outputScatterBuffer, _finalGatherBuffer, _reverseBuffer })
            buffer.Dispose();
    }
}
