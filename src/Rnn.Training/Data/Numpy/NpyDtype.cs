namespace Rnn.Training.Data.Numpy;

/// <summary>
/// A NumPy scalar dtype as written in a .npy header ('&lt;f4', '&gt;i8', '|b1', ...): kind f (float16/32/64),
/// i (int8..int64), u (uint8..uint64) or b (bool), its size in bytes and byte order. Anything else (complex,
/// strings, objects, datetimes, structured records) is refused by name.
/// </summary>
public readonly record struct NpyDtype(char Kind, int ItemSize, bool BigEndian)
{
    public static readonly NpyDtype Float32 = new('f', 4, false);
    public static readonly NpyDtype Float64 = new('f', 8, false);
    public static readonly NpyDtype Int32 = new('i', 4, false);
    public static readonly NpyDtype Int64 = new('i', 8, false);
    public static readonly NpyDtype UInt8 = new('u', 1, false);
    public static readonly NpyDtype Bool = new('b', 1, false);

    public bool IsFloat => Kind == 'f';

    public bool IsInteger => Kind is 'i' or 'u' or 'b';

    /// <summary>NumPy's name: float32, int64, uint8, bool, ...</summary>
    public string Name => Kind switch
    {
        'f' => $"float{ItemSize * 8}",
        'i' => $"int{ItemSize * 8}",
        'u' => $"uint{ItemSize * 8}",
        _ => "bool",
    };

    /// <summary>The header form: byte order ('&lt;', '&gt;' or '|' for one byte), kind, size.</summary>
    public string Descr => $"{(ItemSize == 1 ? '|' : BigEndian ? '>' : '<')}{Kind}{ItemSize}";

    /// <summary>Parses a header's 'descr'; null with <paramref name="problem"/> set when the dtype is not supported.</summary>
    public static NpyDtype? TryParse(string descr, out string problem)
    {
        problem = "";
        if (descr.Length < 2)
        {
            problem = $"dtype '{descr}' is not a NumPy type string";
            return null;
        }
        var order = descr[0];
        var body = order is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        // '=' is native order, which NumPy writes out as '<' or '>'; little-endian is every platform this runs on.
        var bigEndian = order == '>';
        if (body.Length < 2 || !int.TryParse(body.AsSpan(1), out var size))
        {
            problem = $"dtype '{descr}' is not supported ({Describe(body)}); use float32/float64, int8..int64, uint8..uint64 or bool";
            return null;
        }
        var kind = body[0];
        var valid = kind switch
        {
            'f' => size is 2 or 4 or 8,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            'b' => size == 1,
            _ => false,
        };
        if (!valid)
        {
            problem = $"dtype '{descr}' is not supported ({Describe(body)}); use float32/float64, int8..int64, uint8..uint64 or bool";
            return null;
        }
        return new NpyDtype(kind, size, bigEndian && size > 1);
    }

    private static string Describe(string body) => body.Length == 0 ? "empty" : body[0] switch
    {
        'c' => "complex numbers",
        'U' or 'S' or 'a' => "strings",
        'O' => "Python objects (pickled)",
        'M' or 'm' => "dates or time spans",
        'V' => "raw bytes or records",
        'f' => "a float size other than 2, 4 or 8 bytes",
        _ => "an unknown kind",
    };
}
