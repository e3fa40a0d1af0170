namespace Rnn.Tests.Shared;

/// <summary>
/// The libtorch golden cases copied next to the test binaries, in file-name order: the first set (golden/*.safetensors)
/// and the second, bidirectional and variable-length set (golden-v2/*.safetensors).
/// </summary>
internal static class GoldenCaseFiles
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "golden");

    public static string FolderV2 { get; } = Path.Combine(AppContext.BaseDirectory, "golden-v2");

    public static TheoryData<string> Names() => NamesIn(Folder);

    public static TheoryData<string> NamesV2() => NamesIn(FolderV2);

    private static TheoryData<string> NamesIn(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }
}
