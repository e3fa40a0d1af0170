namespace Rnn.Tests.Shared;

/// <summary>
/// The repository's folders, found from the test binaries wherever the build put them. Linked into every test
/// project that reads files of the repository (data, examples, deploy).
/// </summary>
internal static class RepositoryPaths
{
    private const string SolutionFileName = "RnnDistributed.sln";

    /// <summary>The folder holding RnnDistributed.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string DataFolder => Path.Combine(Root, "data");

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string DataFile(params string[] parts) => Path.Combine([DataFolder, .. parts]);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, SolutionFileName)))
                return folder.FullName;
        throw new InvalidOperationException($"no folder above '{AppContext.BaseDirectory}' contains {SolutionFileName}");
    }
}
