namespace Rnn.Client.Tests.Support;

/// <summary>The repository checkout the tests run from: the first folder above the test binaries holding the solution.</summary>
internal static class RepositoryRoot
{
    private const string SolutionFile = "RnnDistributed.sln";

    public static string Path { get; } = Find();

    /// <summary>The libtorch reference cases the kernel tests also use (one copy in the repository).</summary>
    public static string GoldenFolder => System.IO.Path.Combine(Path, "tests", "Rnn.Kernels.Tests", "golden");

    public static string MnistFolder => System.IO.Path.Combine(Path, "data", "mnist");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds {SolutionFile}.");
    }
}
