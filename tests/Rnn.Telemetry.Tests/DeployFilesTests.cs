using Rnn.Telemetry.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Rnn.Telemetry.Tests;

/// <summary>deploy/ (Docker does not run here): every YAML file parses, and the files agree with each other.</summary>
public sealed class DeployFilesTests
{
    [Fact]
    public void EveryYamlFileParses()
    {
        var files = Directory.EnumerateFiles(RepositoryPaths.Deploy, "*.yml", SearchOption.AllDirectories).ToArray();
        Assert.True(files.Length >= 5, $"only {files.Length} YAML files under deploy/");
        foreach (var file in files) Assert.NotEmpty(Load(file).Children);
    }

    [Fact]
    public void PrometheusScrapesEachSiloOnItsTelemetryPort()
    {
        var compose = Load(Path.Combine(RepositoryPaths.Deploy, "docker-compose.yml"));
        var services = (YamlMappingNode)compose["services"];
        var silos = services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(n => n.StartsWith("silo", StringComparison.Ordinal)).ToArray();
        var prometheus = Load(Path.Combine(RepositoryPaths.Deploy, "prometheus.yml"));
        var targets = ((YamlSequenceNode)prometheus["scrape_configs"]).Cast<YamlMappingNode>()
            .Single(c => ((YamlScalarNode)c["job_name"]).Value == "rnn-silos")["static_configs"]
            .AllNodes.OfType<YamlScalarNode>().Select(n => n.Value!).Where(v => v.Contains(':', StringComparison.Ordinal)).ToArray();
        // The silos share the x-silo template (merged with <<, which the representation model leaves unresolved).
        var port = ((YamlScalarNode)compose["x-silo"]["environment"]["Telemetry__HttpPort"]).Value;
        Assert.Equal(silos.Select(s => $"{s}:{port}").Order(), targets.Order());
    }

    [Fact]
    public void ComposeMountsFilesThatExist()
    {
        var compose = Load(Path.Combine(RepositoryPaths.Deploy, "docker-compose.yml"));
        var mounts = compose.AllNodes.OfType<YamlScalarNode>().Select(n => n.Value!).Where(v => v.StartsWith("./", StringComparison.Ordinal));
        foreach (var mount in mounts)
            Assert.True(Path.Exists(Path.Combine(RepositoryPaths.Deploy, mount.Split(':')[0])), $"{mount} is not in deploy/");
    }

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
