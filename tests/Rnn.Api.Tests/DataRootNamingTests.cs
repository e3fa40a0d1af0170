using Rnn.Silo.Api;

namespace Rnn.Api.Tests;

/// <summary>A silo names a data file it cannot read as the job gave it: relative to its data root, never by its server path.</summary>
public sealed class DataRootNamingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnn-root-names-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Paths_under_a_root_or_a_tenants_root_are_named_relative_to_it()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "shared", "sets"));
        Directory.CreateDirectory(Path.Combine(_folder, "tenants", "alpha", "data", "npy"));
        var roots = new DataRoots(["shared", Path.Combine("tenants", "{tenant}", "data")], _folder, []);
        var shared = Path.Combine(_folder, "shared", "sets", "x.npy");
        var tenant = Path.Combine(_folder, "tenants", "alpha", "data", "npy", "x.npy");

        Assert.Equal(Path.Combine("sets", "x.npy"), roots.RelativeToRoot(shared));
        Assert.Equal(Path.Combine("npy", "x.npy"), roots.RelativeToRoot(tenant));
        Assert.Null(roots.RelativeToRoot("/etc/passwd"));
        Assert.Equal($"silo s1 cannot read {Path.Combine("npy", "x.npy")}: cannot be read", roots.Relative($"silo s1 cannot read {tenant}: cannot be read", [tenant]));
    }
}
