using System.Text;

namespace Rnn.Training.Data;

/// <summary>
/// Splits CSV text into records, RFC 4180 style: comma separated; a field in double quotes may hold commas, line
/// breaks and doubled quotes (""); LF, CRLF or CR end a record. Blank lines are skipped. Tracks the physical line
/// where each record starts, so errors can point at it even after quoted line breaks.
/// </summary>
internal sealed class CsvRecordReader
{
    private readonly string _filePath;
    private readonly string _text;
    private readonly StringBuilder _cell = new();
    private int _position;
    private int _line = 1;

    public CsvRecordReader(string filePath, string text)
    {
        _filePath = filePath;
        _text = text;
        // File.ReadAllText strips a BOM; this covers text handed over some other way.
        if (_text.Length > 0 && _text[0] == '\uFEFF') _position = 1;
    }

    /// <summary>Reads the next non-blank record into <paramref name="cells"/>; false at the end of the text.</summary>
    public bool TryReadRecord(List<string> cells, out int recordLine)
    {
        cells.Clear();
        while (_position < _text.Length && IsLineBreak(_text[_position])) ConsumeLineBreak();
        recordLine = _line;
        if (_position >= _text.Length) return false;

        while (true)
        {
            cells.Add(ReadField(recordLine));
            if (_position >= _text.Length) return true;
            var next = _text[_position];
            if (next == ',')
            {
                _position++;
                continue;
            }
            if (IsLineBreak(next))
            {
                ConsumeLineBreak();
                return true;
            }
            // Only reachable after a closing quote: unquoted fields stop at a comma or line break.
            throw new DataFormatException(_filePath,
                $"line {_line}: unexpected character '{next}' after a closing quote (a quoted field must end at a comma or line end)",
                _line);
        }
    }

    private string ReadField(int recordLine)
    {
        _cell.Clear();
        if (_position < _text.Length && _text[_position] == '"')
        {
            _position++;
            while (true)
            {
                if (_position >= _text.Length)
                    throw new DataFormatException(_filePath,
                        $"line {recordLine}: a quoted field is not closed before the end of the file", recordLine);
                var c = _text[_position++];
                if (c == '"')
                {
                    if (_position < _text.Length && _text[_position] == '"')
                    {
                        _cell.Append('"');
                        _position++;
                        continue;
                    }
                    break;
                }
                if (c == '\n' || (c == '\r' && (_position >= _text.Length || _text[_position] != '\n'))) _line++;
                _cell.Append(c);
            }
        }
        else
        {
            var start = _position;
            while (_position < _text.Length && _text[_position] != ',' && !IsLineBreak(_text[_position])) _position++;
            _cell.Append(_text, start, _position - start);
        }
        return _cell.ToString();
    }

    private static bool IsLineBreak(char c) => c == '\n' || c == '\r';

    private void ConsumeLineBreak()
    {
        if (_text[_position] == '\r' && _position + 1 < _text.Length && _text[_position + 1] == '\n') _position++;
        _position++;
        _line++;
    }
}
