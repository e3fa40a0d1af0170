namespace Rnn.Kernels.Tests.Data;

/// <summary>Finds the repository's data/ folder from the test binaries, wherever the build put them.</summary>
internal static class RepositoryPaths
{
    private const string SolutionFileName = "RnnDistributed.sln";

    public static string Root { get; } = FindRoot();

    public static string DataFolder => Path.Combine(Root, "data");

    public static string DataFile(params string[] parts) => Path.Combine([DataFolder, .. parts]);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, SolutionFileName)))
                return folder.FullName;
        throw new InvalidOperationException(
            $"no folder above '{AppContext.BaseDirectory}' contains {SolutionFileName}; cannot find the data/ folder");
    }
}
