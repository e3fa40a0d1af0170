using System.Runtime.InteropServices;

namespace Rnn.Contracts.Messages;

/// <summary>
/// float32 tensors on the wire as byte[]: Orleans copies a byte[] as one block, where float[] is larger and several
/// times slower to serialise. Every message stays under <see cref="MaxMessageBytes"/>.
/// </summary>
public static class TensorBytes
{
    /// <summary>The largest tensor payload one message may carry (16 MiB; Orleans drops connections past 100 MiB).</summary>
    public const int MaxMessageBytes = 16 << 20;

    public static byte[] FromFloats(ReadOnlySpan<float> values) => FromFloats(values, reuse: null);

    /// <summary>
    /// The bytes of <paramref name="values"/>, written into <paramref name="reuse"/> when it has exactly the right
    /// length (a sender that knows the previous message has been consumed saves a large-object allocation per step).
    /// </summary>
    public static byte[] FromFloats(ReadOnlySpan<float> values, byte[]? reuse)
    {
        var bytes = MemoryMarshal.AsBytes(values);
        if (bytes.Length > MaxMessageBytes)
            throw new ArgumentException($"a tensor of {bytes.Length} bytes exceeds the {MaxMessageBytes}-byte message limit; split it", nameof(values));
        // Every byte is written below, so the array need not be zeroed first.
        var array = reuse?.Length == bytes.Length ? reuse : GC.AllocateUninitializedArray<byte>(bytes.Length);
        bytes.CopyTo(array);
        return array;
    }

    /// <summary>Copies <paramref name="bytes"/> into <paramref name="destination"/>, which must have exactly the right length.</summary>
    public static void ToFloats(byte[] bytes, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length != destination.Length * sizeof(float))
            throw new ArgumentException($"expected {destination.Length * sizeof(float)} bytes, got {bytes.Length}", nameof(bytes));
        MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
    }
}
