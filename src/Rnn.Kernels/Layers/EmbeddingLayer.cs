using System.Runtime.CompilerServices;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Layers;

/// <summary>Token lookup, PyTorch layout weight [V, E]; y[t,b] = W[token[t,b]].</summary>
public sealed class EmbeddingLayer
{
    private int[]? _tokens;
    private int _rows;

    public EmbeddingLayer(ParameterLayout layout, string name, int vocabularySize, int dimension)
    {
        VocabularySize = vocabularySize;
        Dimension = dimension;
        Weight = layout.Add($"{name}.weight", vocabularySize, dimension);
    }

    public int VocabularySize { get; }

    public int Dimension { get; }

    public ParameterView Weight { get; }

    /// <summary>PyTorch's nn.Embedding default is N(0, 1); Box–Muller from the seeded stream.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Initialize(Span<float> parameters, DeterministicRandom random)
    {
        var w = Weight.Of(parameters);
        for (var i = 0; i < w.Length; i += 2)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            w[i] = (float)(radius * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < w.Length) w[i + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<int> tokens, Span<float> y, int rows)
    {
        _tokens = _tokens is not null && _tokens.Length >= rows ? _tokens : new int[rows];
        tokens[..rows].CopyTo(_tokens);
        _rows = rows;
        var w = Weight.Of(parameters);
        for (var r = 0; r < rows; r++)
        {
            var token = tokens[r];
            if ((uint)token >= (uint)VocabularySize)
                throw new ArgumentOutOfRangeException(nameof(tokens), token, $"token at row {r} is outside the vocabulary of {VocabularySize}");
            w.Slice(token * Dimension, Dimension).CopyTo(y.Slice(r * Dimension, Dimension));
        }
    }

    /// <summary>dW[token] += dy, rows in order so repeated tokens sum deterministically.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> dy, Span<float> gradients)
    {
        if (_tokens is null) throw new InvalidOperationException("Backward needs a Forward first");
        var dw = Weight.Of(gradients);
        for (var r = 0; r < _rows; r++)
            ElementwiseSum.AddInto(dy.Slice(r * Dimension, Dimension), dw.Slice(_tokens[r] * Dimension, Dimension));
    }
}
