using System.Runtime.CompilerServices;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Layers;

/// <summary>
/// Fully connected layer, PyTorch layout: y[N,C] = x[N,F]·Wᵀ + b with weight [C,F], bias [C]. A softmax named in
/// the job is applied by the loss (softmax cross-entropy), so this layer always produces logits.
/// </summary>
public sealed class DenseLayer
{
    private readonly CpuCompute _compute;
    private float[]? _x;
    private int _rows;

    public DenseLayer(ParameterLayout layout, string name, int inputSize, int outputSize, CpuCompute compute)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        _compute = compute;
        Weight = layout.Add($"{name}.weight", outputSize, inputSize);
        Bias = layout.Add($"{name}.bias", outputSize);
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    public ParameterView Weight { get; }

    public ParameterView Bias { get; }

    /// <summary>PyTorch's nn.Linear default: weight and bias uniform in ±1/sqrt(F).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Initialize(Span<float> parameters, DeterministicRandom random)
    {
        var bound = 1f / MathF.Sqrt(InputSize);
        foreach (var view in new[] { Weight, Bias })
        {
            var p = view.Of(parameters);
            for (var i = 0; i < p.Length; i++) p[i] = (2f * random.NextFloat() - 1f) * bound;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int rows)
    {
        _x = _x is not null && _x.Length >= rows * InputSize ? _x : new float[rows * InputSize];
        x[..(rows * InputSize)].CopyTo(_x);
        _rows = rows;
        var bias = Bias.Of(parameters);
        // y = b + x·Wᵀ
        for (var r = 0; r < rows; r++) bias.CopyTo(y.Slice(r * OutputSize, OutputSize));
        _compute.Gemm(false, true, rows, OutputSize, InputSize, x, Weight.Of(parameters), y, true);
    }

    /// <summary>dW += dyᵀ·x, db += Σ_rows dy, dx = dy·W (dx may be empty when nothing below needs it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, Span<float> dx, Span<float> gradients)
    {
        if (_x is null) throw new InvalidOperationException("Backward needs a Forward first");
        var rows = _rows;
        _compute.Gemm(true, false, OutputSize, InputSize, rows, dy, _x, Weight.Of(gradients), true);
        ElementwiseSum.AddRows(dy, rows, OutputSize, Bias.Of(gradients));
        if (!dx.IsEmpty) _compute.Gemm(false, false, rows, InputSize, OutputSize, dy, Weight.Of(parameters), dx, false);
    }
}
