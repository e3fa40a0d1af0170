namespace Rnn.Training.Tests.Jobs;

/// <summary>The repository checkout the tests run from: the first folder above the test binaries holding the solution.</summary>
internal static class RepositoryRoot
{
    private const string SolutionFile = "RnnDistributed.sln";

    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds {SolutionFile}.");
    }
}
