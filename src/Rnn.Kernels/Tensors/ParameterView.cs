namespace Rnn.Kernels.Tensors;

/// <summary>A named tensor inside a flat float32 buffer: elements [Offset, Offset + Length), row-major Shape.</summary>
public readonly record struct ParameterView(string Name, int Offset, int[] Shape)
{
    public int Length => ShapeLength(Shape);

    public Span<float> Of(Span<float> buffer) => buffer.Slice(Offset, Length);

    public ReadOnlySpan<float> Of(ReadOnlySpan<float> buffer) => buffer.Slice(Offset, Length);

    public static int ShapeLength(int[] shape)
    {
        var n = 1;
        foreach (var d in shape) n *= d;
        return n;
    }
}
