using System.Reflection;

namespace Rnn.Architecture.Tests;

/// <summary>
/// The arrows between our projects (docs/design.md §1): numerics at the bottom, the training domain on them, the
/// wire contracts, then the silo and the client; golden/bench support only for tools and tests.
/// </summary>
public sealed class ProjectDependencyRuleTests
{
    private static readonly string[] HostingFrameworks = ["Orleans", "Microsoft.AspNetCore", "Grpc", "Google.Protobuf"];

    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    private static IReadOnlyList<string> References(string assembly) =>
        Load(assembly).GetReferencedAssemblies().Select(a => a.Name!).Order(StringComparer.Ordinal).ToList();

    private static IReadOnlyList<string> OursAmong(IEnumerable<string> names) =>
        names.Where(n => n.StartsWith("Rnn.", StringComparison.Ordinal) || n == "rnn").ToList();

    [Fact]
    public void Kernels_reference_nothing_of_ours_and_no_hosting_framework()
    {
        var references = References("Rnn.Kernels");
        Assert.Empty(OursAmong(references));
        Assert.DoesNotContain(references, r => HostingFrameworks.Any(f => r.StartsWith(f, StringComparison.Ordinal)));
    }

    /// <summary>
    /// The records that travel between grains (the resolved job, step metrics) are declared once, in the training
    /// domain, with Orleans' serializer attributes: its serializer assemblies, and nothing else of Orleans, are allowed.
    /// </summary>
    private static readonly string[] SerializerOnly = ["Orleans.Serialization", "Orleans.Serialization.Abstractions"];

    [Fact]
    public void The_training_domain_references_only_the_kernels_and_no_hosting_framework()
    {
        var references = References("Rnn.Training");
        Assert.Equal(["Rnn.Kernels"], OursAmong(references));
        Assert.DoesNotContain(references, r => !SerializerOnly.Contains(r) && HostingFrameworks.Any(f => r.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_ilgpu_backend_references_only_the_kernels_of_ours()
    {
        Assert.Equal(["Rnn.Kernels"], OursAmong(References("Rnn.Kernels.Ilgpu")));
    }

    [Fact]
    public void Contracts_know_neither_the_silo_nor_the_client()
    {
        var ours = OursAmong(References("Rnn.Contracts"));
        Assert.DoesNotContain("Rnn.Silo", ours);
        Assert.DoesNotContain("rnn", ours);
        Assert.DoesNotContain("Rnn.Harness", ours);
    }

    [Fact]
    public void The_silo_does_not_ship_the_golden_and_bench_harness()
    {
        var ours = OursAmong(References("Rnn.Silo"));
        Assert.DoesNotContain("Rnn.Harness", ours);
        Assert.DoesNotContain("rnn", ours);
    }

    /// <summary>
    /// The silo's public face, as Orleans' own is Orleans.Hosting plus Orleans.Configuration: the hosting extension
    /// (AddRnnTraining) and the options and storage choice it takes. Everything else of the silo is internal to it.
    /// </summary>
    private static readonly string[] SiloPublicNamespaces = ["Rnn.Silo.Hosting", "Rnn.Silo.Configuration"];

    [Fact]
    public void The_client_uses_the_silo_only_through_its_public_hosting_extension()
    {
        var graph = new NamespaceGraph(Load("rnn").Location);
        var reachesIntoSilo = graph.Namespaces
            .SelectMany(ns => graph.UsedBy(ns).Where(u => u.StartsWith("Rnn.Silo", StringComparison.Ordinal))
                .Where(u => !SiloPublicNamespaces.Contains(u))
                .Select(u => $"{ns} → {u}"))
            .Select(edge => $"{edge}: {graph.Witness(edge.Split(" → ")[0], edge.Split(" → ")[1])}")
            .ToList();
        Assert.True(reachesIntoSilo.Count == 0, string.Join("\n", reachesIntoSilo));
    }

    [Fact]
    public void The_remote_client_uses_contracts_only()
    {
        var graph = new NamespaceGraph(Load("rnn").Location);
        var silo = graph.UsedBy("Rnn.Client.Remote").Where(u => u.StartsWith("Rnn.Silo", StringComparison.Ordinal)).ToList();
        Assert.True(silo.Count == 0, string.Join("\n", silo.Select(s => $"{s}: {graph.Witness("Rnn.Client.Remote", s)}")));
    }
}
