using System.Runtime.CompilerServices;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Layers;

/// <summary>
/// Inverted dropout: in training y = x ⊙ m / (1 - p) with m ~ Bernoulli(1 - p) from a seeded stream, so a replayed
/// step draws the same mask; at evaluation y = x.
/// </summary>
public sealed class DropoutLayer(float rate)
{
    private float[]? _mask;
    private int _length;
    private bool _active;

    public float Rate { get; } = rate is >= 0f and < 1f
        ? rate
        : throw new ArgumentOutOfRangeException(nameof(rate), rate, "dropout rate must be in [0, 1)");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> x, Span<float> y, bool training, DeterministicRandom random)
    {
        _length = x.Length;
        _active = training && Rate > 0f;
        if (!_active)
        {
            x.CopyTo(y);
            return;
        }
        _mask = _mask is not null && _mask.Length >= x.Length ? _mask : new float[x.Length];
        var keep = 1f / (1f - Rate);
        // m_i = keep·[u_i ≥ p]
        for (var i = 0; i < x.Length; i++)
        {
            _mask[i] = random.NextFloat() >= Rate ? keep : 0f;
            y[i] = x[i] * _mask[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> dy, Span<float> dx)
    {
        if (!_active)
        {
            dy[.._length].CopyTo(dx);
            return;
        }
        for (var i = 0; i < _length; i++) dx[i] = dy[i] * _mask![i];
    }
}
