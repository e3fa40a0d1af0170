namespace Rnn.Training.Safetensors;

/// <summary>Header spelling and element size of each <see cref="SafetensorsDType"/>.</summary>
public static class SafetensorsDTypeExtensions
{
    /// <summary>Every header spelling this library reads, for error messages.</summary>
    internal const string SupportedHeaderNames =
        "BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64";

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool or SafetensorsDType.U8 or SafetensorsDType.I8
            or SafetensorsDType.F8_E5M2 or SafetensorsDType.F8_E4M3 => 1,
        SafetensorsDType.I16 or SafetensorsDType.U16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.I32 or SafetensorsDType.U32 or SafetensorsDType.F32 => 4,
        SafetensorsDType.F64 or SafetensorsDType.I64 or SafetensorsDType.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>The dtype as the safetensors header spells it ("F32", "BOOL", ...).</summary>
    public static string ToHeaderName(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool => "BOOL",
        _ when Enum.IsDefined(dtype) => dtype.ToString(),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>Parses a header spelling; exact and case-sensitive, as the reference implementation is.</summary>
    internal static bool TryParseHeaderName(string name, out SafetensorsDType dtype)
    {
        dtype = name switch
        {
            "BOOL" => SafetensorsDType.Bool,
            "U8" => SafetensorsDType.U8,
            "I8" => SafetensorsDType.I8,
            "F8_E5M2" => SafetensorsDType.F8_E5M2,
            "F8_E4M3" => SafetensorsDType.F8_E4M3,
            "I16" => SafetensorsDType.I16,
            "U16" => SafetensorsDType.U16,
            "F16" => SafetensorsDType.F16,
            "BF16" => SafetensorsDType.BF16,
            "I32" => SafetensorsDType.I32,
            "U32" => SafetensorsDType.U32,
            "F32" => SafetensorsDType.F32,
            "F64" => SafetensorsDType.F64,
            "I64" => SafetensorsDType.I64,
            "U64" => SafetensorsDType.U64,
            _ => (SafetensorsDType)(-1),
        };
        return Enum.IsDefined(dtype);
    }
}
