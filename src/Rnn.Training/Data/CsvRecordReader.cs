using System.Text;

namespace Rnn.Training.Data;

/// <summary>
/// Splits CSV text into records, RFC 4180 style: comma separated; a field in double quotes may hold commas, line
/// breaks and doubled quotes (""); LF, CRLF or CR end a record. Blank lines are skipped. Tracks the physical line
/// where each record starts, so errors can point at it even after quoted line breaks. Reads from a
/// <see cref="TextReader"/> a buffer at a time, so a large file is streamed, never held whole.
/// </summary>
internal sealed class CsvRecordReader
{
    private readonly string _filePath;
    private readonly TextReader _reader;
    private readonly StringBuilder _cell = new();
    private readonly char[] _buffer;
    private int _position;
    private int _length;
    private bool _ended;
    private int _line = 1;

    public CsvRecordReader(string filePath, string text)
        : this(filePath, new StringReader(text), Math.Clamp(text.Length, 1, 1 << 16))
    {
    }

    /// <param name="filePath">The file, for messages.</param>
    /// <param name="reader">The text (a <see cref="StreamReader"/> strips a BOM; one left in the text is skipped here).</param>
    /// <param name="bufferSize">Characters read at a time.</param>
    public CsvRecordReader(string filePath, TextReader reader, int bufferSize = 1 << 16)
    {
        _filePath = filePath;
        _reader = reader;
        _buffer = new char[bufferSize];
        if (Peek() == '\uFEFF') _position++;
    }

    /// <summary>Reads the next non-blank record into <paramref name="cells"/>; false at the end of the text.</summary>
    public bool TryReadRecord(List<string> cells, out int recordLine)
    {
        cells.Clear();
        while (Peek() is '\n' or '\r') ConsumeLineBreak();
        recordLine = _line;
        if (Peek() < 0) return false;

        while (true)
        {
            cells.Add(ReadField(recordLine));
            var next = Peek();
            if (next < 0) return true;
            if (next == ',')
            {
                _position++;
                continue;
            }
            if (next is '\n' or '\r')
            {
                ConsumeLineBreak();
                return true;
            }
            // Only reachable after a closing quote: unquoted fields stop at a comma or line break.
            throw new DataFormatException(_filePath,
                $"line {_line}: unexpected character '{(char)next}' after a closing quote (a quoted field must end at a comma or line end)",
                _line);
        }
    }

    /// <summary>The next character without consuming it, or −1 at the end of the text.</summary>
    private int Peek()
    {
        if (_position < _length) return _buffer[_position];
        if (_ended) return -1;
        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        if (_length > 0) return _buffer[0];
        _ended = true;
        return -1;
    }

    private string ReadField(int recordLine)
    {
        _cell.Clear();
        if (Peek() == '"')
        {
            _position++;
            while (true)
            {
                var c = Peek();
                if (c < 0)
                    throw new DataFormatException(_filePath,
                        $"line {recordLine}: a quoted field is not closed before the end of the file", recordLine);
                _position++;
                if (c == '"')
                {
                    if (Peek() == '"')
                    {
                        _cell.Append('"');
                        _position++;
                        continue;
                    }
                    break;
                }
                if (c == '\n' || (c == '\r' && Peek() != '\n')) _line++;
                _cell.Append((char)c);
            }
            return _cell.ToString();
        }
        // Unquoted: runs of the buffer up to a comma or line break (a field may span two buffers).
        while (Peek() >= 0)
        {
            var start = _position;
            while (_position < _length && _buffer[_position] is not (',' or '\n' or '\r')) _position++;
            if (_cell.Length == 0 && _position < _length) return new string(_buffer, start, _position - start);
            _cell.Append(_buffer, start, _position - start);
            if (_position < _length) break;
        }
        return _cell.ToString();
    }

    private void ConsumeLineBreak()
    {
        var c = Peek();
        _position++;
        if (c == '\r' && Peek() == '\n') _position++;
        _line++;
    }
}
