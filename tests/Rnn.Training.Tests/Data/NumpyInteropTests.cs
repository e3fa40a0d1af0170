using System.Diagnostics;
using System.Globalization;
using Rnn.Training.Data.Numpy;
using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Tests.Data;

/// <summary>
/// Files written by real NumPy (python3 with numpy in a child process) read here, and ours read by NumPy. Needs
/// Debian's python3-numpy (.ci/run installs it); without it the test fails saying so rather than passing unchecked.
/// </summary>
public sealed class NumpyInteropTests
{
    private const string Script = """
        import sys, numpy as np
        d = sys.argv[1]
        x = np.arange(2 * 3 * 4, dtype=np.float64).reshape(2, 3, 4) / 8 - 1
        np.save(d + '/f4.npy', x.astype('<f4'))
        np.save(d + '/f8be.npy', x.astype('>f8'))
        np.save(d + '/fortran.npy', np.asfortranarray(x.astype('<f4')))
        np.save(d + '/i2be.npy', (np.arange(6) - 3).astype('>i2').reshape(2, 3))
        np.save(d + '/u8.npy', np.array([[0, 2**40], [7, 255]], dtype='<u8'))
        np.save(d + '/bool.npy', np.array([[True, False, True], [False, False, True]]))
        np.savez(d + '/stored.npz', x=x.astype('f4'), y=np.array([1, 0]), lengths=np.array([3, 2]))
        np.savez_compressed(d + '/deflated.npz', x=x.astype('f4'), y=np.array([1, 0]), lengths=np.array([3, 2]))
        ours = np.load(d + '/ours.npy')
        print(ours.dtype, ours.shape, repr(float(ours.sum())), ours[1, 2, 1])
        """;

    [Fact]
    public void Files_numpy_writes_read_here_and_ours_read_in_numpy()
    {
        using var folder = new TemporaryFolder();
        var ours = Enumerable.Range(0, 2 * 3 * 2).Select(i => i * 0.25f).ToArray();
        NpyWriter.Write(folder.File("ours.npy"), ours, 2, 3, 2);
        File.WriteAllText(folder.File("make.py"), Script);

        var output = RunPython(folder.File("make.py"), folder.Path);
        Assert.Equal("float32 (2, 3, 2) 16.5 2.75", output.Trim());

        var expected = Enumerable.Range(0, 24).Select(i => i / 8f - 1).ToArray();
        foreach (var name in new[] { "f4.npy", "f8be.npy", "fortran.npy" })
        {
            using var array = NpyArray.Map(folder.File(name));
            var row = new float[12];
            array.ReadRow(1, row);
            Assert.Equal(expected[12..], row);
        }
        using (var fortran = NpyArray.Map(folder.File("fortran.npy"))) Assert.True(fortran.Header.FortranOrder);

        Assert.Equal([0L, 1, 2], ReadLongRow("i2be.npy", 1, 3));
        Assert.Equal([0L, 1L << 40], ReadLongRow("u8.npy", 0, 2));
        Assert.Equal([0L, 0, 1], ReadLongRow("bool.npy", 1, 3));

        foreach (var name in new[] { "stored.npz", "deflated.npz" })
        {
            using var reader = NumpySequenceReader.OpenNpz(folder.File(name), SequenceTargetKind.ClassPerSequence);
            var data = reader.ReadAll();
            Assert.Equal([3, 2], [data.Length(0), data.Length(1)]);
            Assert.Equal(expected[12..20], data.FeaturesOf(1).ToArray());
            Assert.Equal([1, 0], data.AllClasses.ToArray());
        }

        long[] ReadLongRow(string name, int row, int count)
        {
            using var array = NpyArray.Map(folder.File(name));
            var values = new long[count];
            array.ReadRow(row, values);
            return values;
        }
    }

    private static string RunPython(string script, string folder)
    {
        // Debian's python3-numpy installs into the system python; a pyenv shim earlier on PATH would not see it.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (stderr.Contains("No module named 'numpy'", StringComparison.Ordinal))
            Assert.Fail($"numpy is missing from {python}: install it with `apt-get install -y python3-numpy` (.ci/run does this before the tests)");
        Assert.True(process.ExitCode == 0, $"python3 exited {process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {stderr}");
        return stdout.Result;
    }
}
