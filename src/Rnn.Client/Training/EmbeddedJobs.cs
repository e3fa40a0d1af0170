namespace Rnn.Client.Training;

/// <summary>
/// Job files built into the binary: `rnn train` with no job file trains the main example, so one command works
/// from a fresh checkout (its data path, data/mnist, resolves from the current folder as any relative path does).
/// </summary>
internal static class EmbeddedJobs
{
    public const string MainExample = "examples/seq-mnist-lstm.json";

    public static string Read(string name)
    {
        using var stream = typeof(EmbeddedJobs).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded job '{name}' is missing from this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
