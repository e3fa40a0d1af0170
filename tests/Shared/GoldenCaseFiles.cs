namespace Rnn.Tests.Shared;

/// <summary>The libtorch golden cases copied next to the test binaries (golden/*.safetensors), in file-name order.</summary>
internal static class GoldenCaseFiles
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "golden");

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.safetensors").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }
}
