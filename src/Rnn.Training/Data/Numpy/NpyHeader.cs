using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Rnn.Training.Data.Numpy;

/// <summary>
/// The header of a .npy file: magic "\x93NUMPY", version 1.x (2-byte header length, latin-1), 2.x (4-byte length)
/// or 3.x (4-byte length, UTF-8), then a Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...)}.
/// </summary>
public sealed record NpyHeader(NpyDtype Dtype, bool FortranOrder, long[] Shape, int DataOffset, int MajorVersion)
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Bytes a reader must have to know the header's length.</summary>
    public const int PreambleLength = 12;

    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));

    public long DataLength => checked(ElementCount * Dtype.ItemSize);

    /// <summary>"(1000, 28, 28)" as NumPy prints a shape.</summary>
    public string ShapeText => FormatShape(Shape);

    public static string FormatShape(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    /// <summary>The total header length (preamble + dict) from the first bytes, to know how much to read.</summary>
    public static int HeaderLength(ReadOnlySpan<byte> start, string name)
    {
        if (start.Length < 10 || !start[..6].SequenceEqual(Magic))
            throw new DataFormatException(name, "is not a .npy file (it does not start with \\x93NUMPY)");
        var major = start[6];
        return major switch
        {
            1 => 10 + BinaryPrimitives.ReadUInt16LittleEndian(start[8..]),
            2 or 3 when start.Length >= 12 => checked(12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(start[8..])),
            _ => throw new DataFormatException(name, $"has .npy format version {major}.{start[7]}; versions 1, 2 and 3 are supported"),
        };
    }

    /// <summary>Parses the whole header (<see cref="HeaderLength"/> bytes).</summary>
    public static NpyHeader Parse(ReadOnlySpan<byte> header, string name)
    {
        var length = HeaderLength(header, name);
        if (header.Length < length) throw new DataFormatException(name, "ends inside its header");
        var major = header[6];
        var dictStart = major == 1 ? 10 : 12;
        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header[dictStart..length]);
        var dict = new PythonLiteral(text, name).ReadDict();

        if (!dict.TryGetValue("descr", out var descr))
            throw new DataFormatException(name, "header has no 'descr' (dtype)");
        if (descr is not string descrText)
            throw new DataFormatException(name, "has a structured dtype (a record array); only plain numeric arrays are supported");
        var dtype = NpyDtype.TryParse(descrText, out var problem) ?? throw new DataFormatException(name, problem);
        if (!dict.TryGetValue("fortran_order", out var fortran) || fortran is not bool fortranOrder)
            throw new DataFormatException(name, "header has no boolean 'fortran_order'");
        if (!dict.TryGetValue("shape", out var shapeValue) || shapeValue is not List<object> shapeItems)
            throw new DataFormatException(name, "header has no 'shape' tuple");
        var shape = new long[shapeItems.Count];
        for (var i = 0; i < shape.Length; i++)
            shape[i] = shapeItems[i] is long dim && dim >= 0
                ? dim
                : throw new DataFormatException(name, $"shape entry {i} is not a non-negative integer");
        return new NpyHeader(dtype, fortranOrder, shape, length, major);
    }

    /// <summary>The few Python literals a .npy header uses: dict, str, bool, int, tuple.</summary>
    private ref struct PythonLiteral(string text, string name)
    {
        private int _position;

        public Dictionary<string, object> ReadDict()
        {
            var value = ReadValue();
            return value as Dictionary<string, object> ?? throw Error("the header is not a dict");
        }

        private object ReadValue()
        {
            SkipSpace();
            if (_position >= text.Length) throw Error("the header ends early");
            var c = text[_position];
            if (c == '{')
            {
                _position++;
                var dict = new Dictionary<string, object>();
                while (!TryConsume('}'))
                {
                    if (ReadValue() is not string key) throw Error("a header key is not a string");
                    if (!TryConsume(':')) throw Error($"expected ':' after '{key}'");
                    dict[key] = ReadValue();
                    TryConsume(',');
                }
                return dict;
            }
            if (c is '(' or '[')
            {
                var close = c == '(' ? ')' : ']';
                _position++;
                var items = new List<object>();
                while (!TryConsume(close))
                {
                    items.Add(ReadValue());
                    TryConsume(',');
                }
                return items;
            }
            if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, _position + 1);
                if (end < 0) throw Error("a string in the header is not closed");
                var s = text[(_position + 1)..end];
                _position = end + 1;
                return s;
            }
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '-')) _position++;
            var word = text[start.._position];
            if (word == "True") return true;
            if (word == "False") return false;
            // Python 2 wrote long dimensions as "3L".
            if (long.TryParse(word.TrimEnd('L'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                return number;
            throw Error($"unexpected '{(word.Length > 0 ? word : c.ToString())}' in the header");
        }

        private bool TryConsume(char c)
        {
            SkipSpace();
            if (_position < text.Length && text[_position] == c)
            {
                _position++;
                return true;
            }
            if (_position >= text.Length) throw Error("the header ends early");
            return false;
        }

        private void SkipSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position])) _position++;
        }

        private readonly DataFormatException Error(string problem) => new(name, $"has a malformed header: {problem}");
    }
}
