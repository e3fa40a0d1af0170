using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Rnn.Training.Data.Numpy;

/// <summary>
/// One .npy array, read row by row (a row is everything under one index of the first axis). A .npy file is
/// memory-mapped: only the pages of the rows read are touched, so a shard that reads its partition of a large file
/// holds about that partition in memory, never the whole file. An .npz member lies in memory (see
/// <see cref="NpzReader"/>). Rows come out in C order whatever the file's order: a Fortran-order array is gathered
/// element by element (correct, but strided: prefer C order for large files). Reads go through one scratch
/// buffer, so an instance serves one thread at a time (a shard loading its partition). On Linux, mapped pages are
/// dropped from the process's page tables (madvise MADV_DONTNEED; they stay in the page cache) after every
/// <see cref="ReleaseWindow"/> bytes read: the kernel maps neighbouring pages with each fault (fault-around), so a
/// shard reading rows spread over the file would otherwise count most of the file in its resident set while it reads.
/// </summary>
public sealed class NpyArray : IDisposable
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private byte[] _scratch = [];
    private readonly byte[]? _bytes;
    private readonly long _length;
    private readonly long _rowElements;
    private bool _disposed;
    private long _touchedLow = long.MaxValue;
    private long _touchedHigh = -1;

    /// <summary>Bytes of the mapping read between two releases of its pages (see the class summary).</summary>
    public const long ReleaseWindow = 32L << 20;

    private const int MadviseDontNeed = 4;

    private NpyArray(string name, byte[]? bytes, MemoryMappedFile? file, MemoryMappedViewAccessor? view, long length)
    {
        Name = name;
        _bytes = bytes;
        _file = file;
        _view = view;
        _length = length;
        var preamble = Bytes(0, (int)Math.Min(length, NpyHeader.PreambleLength));
        var headerLength = NpyHeader.HeaderLength(preamble, name);
        if (headerLength > length) throw new DataFormatException(name, "ends inside its header");
        Header = NpyHeader.Parse(Bytes(0, headerLength), name);
        if (Header.Shape.Length == 0)
            throw new DataFormatException(name, "holds a single scalar (shape ()); expected an array with a first axis of samples");
        if (length - Header.DataOffset < Header.DataLength)
            throw new DataFormatException(name,
                $"is truncated: shape {Header.ShapeText} of {Header.Dtype.Name} needs {Header.DataLength} data bytes, " +
                $"the file has {length - Header.DataOffset}");
        _rowElements = Header.Shape.Skip(1).Aggregate(1L, (a, b) => checked(a * b));
    }

    /// <summary>The file (and member) for messages.</summary>
    public string Name { get; }

    public NpyHeader Header { get; }

    public NpyDtype Dtype => Header.Dtype;

    public IReadOnlyList<long> Shape => Header.Shape;

    public long Rows => Header.Shape[0];

    public long RowElements => _rowElements;

    public bool IsMemoryMapped => _file is not null;

    /// <summary>Maps a .npy file read-only; nothing but its header is read here.</summary>
    public static NpyArray Map(string path)
    {
        var fullPath = DataFileReader.RequireFile(path, "NumPy file");
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            var length = new FileInfo(fullPath).Length;
            if (length < NpyHeader.PreambleLength)
                throw new DataFormatException(fullPath, $"has {length} bytes: too short for a .npy file");
            file = MemoryMappedFile.CreateFromFile(fullPath, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new NpyArray(fullPath, null, file, view, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Release(view, file);
            throw new DataFormatException(fullPath, $"cannot be read: {e.Message}", innerException: e);
        }
        catch
        {
            Release(view, file);
            throw;
        }
    }

    /// <summary>An array held in memory (an .npz member), named <paramref name="name"/> in messages.</summary>
    public static NpyArray FromBytes(byte[] bytes, string name) => new(name, bytes, null, null, bytes.LongLength);

    /// <summary>Row <paramref name="row"/> as floats: <see cref="RowElements"/> values in C order.</summary>
    public void ReadRow(long row, Span<float> destination)
    {
        var raw = RawRow(row, destination.Length);
        NpyElements.ToFloat(raw, Dtype, destination);
    }

    /// <summary>Row <paramref name="row"/> as integers; the dtype must be an integer or bool type.</summary>
    public void ReadRow(long row, Span<long> destination)
    {
        var raw = RawRow(row, destination.Length);
        NpyElements.ToInt64(raw, Dtype, destination);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Release(_view, _file);
    }

    private ReadOnlySpan<byte> RawRow(long row, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        if (count != _rowElements)
            throw new ArgumentException($"a row of {Name} has {_rowElements} elements, the destination {count}");
        var size = Dtype.ItemSize;
        if (!Header.FortranOrder || Header.Shape.Length == 1)
            return Bytes(Header.DataOffset + row * _rowElements * size, checked((int)(_rowElements * size)));

        // Fortran order: element (row, j1, j2, ...) lies at row + N·(j1 + d1·(j2 + ...)); walk the row's C order.
        var gathered = new byte[_rowElements * size];
        var shape = Header.Shape;
        var index = new long[shape.Length];
        for (long e = 0; e < _rowElements; e++)
        {
            long offset = 0, stride = Rows;
            for (var d = 1; d < shape.Length; d++)
            {
                offset += index[d] * stride;
                stride *= shape[d];
            }
            Bytes(Header.DataOffset + (row + offset) * size, size).CopyTo(gathered.AsSpan((int)(e * size)));
            for (var d = shape.Length - 1; d >= 1; d--)
            {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
        return gathered;
    }

    /// <summary>Bytes [offset, offset + count): a slice of the member in memory, or a copy out of the mapped view.</summary>
    private ReadOnlySpan<byte> Bytes(long offset, int count)
    {
        if (_bytes is not null) return _bytes.AsSpan(checked((int)offset), count);
        if (_scratch.Length < count) _scratch = new byte[count];
        _view!.ReadArray(offset, _scratch, 0, count);
        Touched(offset, count);
        return _scratch.AsSpan(0, count);
    }

    /// <summary>Drops the pages of the range read since the last release once it spans <see cref="ReleaseWindow"/>.</summary>
    private void Touched(long offset, int count)
    {
        if (!OperatingSystem.IsLinux()) return;
        _touchedLow = Math.Min(_touchedLow, offset);
        _touchedHigh = Math.Max(_touchedHigh, offset + count);
        if (_touchedHigh - _touchedLow < ReleaseWindow) return;
        long page = Environment.SystemPageSize;
        var start = _touchedLow / page * page;
        var end = (_touchedHigh + page - 1) / page * page;
        var view = _view!.SafeMemoryMappedViewHandle;
        // The view starts at file offset 0, on a page boundary; a failed madvise only leaves the pages mapped.
        _ = Madvise(view.DangerousGetHandle() + (nint)(_view.PointerOffset + start), (nuint)(end - start), MadviseDontNeed);
        _touchedLow = long.MaxValue;
        _touchedHigh = -1;
    }

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static extern int Madvise(nint address, nuint length, int advice);

    private static void Release(MemoryMappedViewAccessor? view, MemoryMappedFile? file)
    {
        view?.Dispose();
        file?.Dispose();
    }
}
