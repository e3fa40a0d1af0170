namespace Rnn.Telemetry.Tests.Support;

internal static class RepositoryPaths
{
    /// <summary>The folder holding RnnDistributed.sln, found by walking up from the test binaries.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RnnDistributed.sln"))) return dir.FullName;
            throw new InvalidOperationException("RnnDistributed.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Deploy => Path.Combine(Root, "deploy");
}
