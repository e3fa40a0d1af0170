using System.Reflection;

namespace Rnn.Architecture.Tests;

/// <summary>Within each of our assemblies the namespaces (folders) form a DAG: no two use each other, directly or around.</summary>
public sealed class NamespaceCycleTests
{
    [Theory]
    [InlineData("Rnn.Kernels")]
    [InlineData("Rnn.Kernels.Ilgpu")]
    [InlineData("Rnn.Training")]
    [InlineData("Rnn.Harness")]
    [InlineData("Rnn.Contracts")]
    [InlineData("Rnn.Silo")]
    [InlineData("rnn")]
    public void Namespaces_of_an_assembly_have_no_cycles(string assembly)
    {
        var graph = new NamespaceGraph(Assembly.Load(new AssemblyName(assembly)).Location);
        var cycles = graph.Cycles("Rnn.");
        Assert.True(cycles.Count == 0, "namespaces that use each other:\n" + string.Join("\n", cycles));
    }
}
