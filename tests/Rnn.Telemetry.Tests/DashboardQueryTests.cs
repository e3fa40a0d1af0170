using System.Text.Json;
using Rnn.Telemetry.Tests.Support;

namespace Rnn.Telemetry.Tests;

/// <summary>Every metric the Grafana dashboard queries is exported by a running silo (scraped from its /metrics).</summary>
[Collection(ScrapedSiloCollection.Name)]
public sealed class DashboardQueryTests(ScrapedSiloFixture fixture)
{
    private static string DashboardFile => Path.Combine(RepositoryPaths.Deploy, "grafana", "dashboards", "rnn-training.json");

    [Fact]
    public void EveryQueriedMetricIsScrapedFromTheSilo()
    {
        var queried = Queries().SelectMany(PromQlNames.Of).ToHashSet();
        var exported = PrometheusText.SeriesNames(fixture.Scrape);
        var missing = queried.Where(n => !exported.Contains(n)).Order().ToArray();
        Assert.True(missing.Length == 0, "queried but not exported: " + string.Join(", ", missing));
        // The parser found the names the issue asks for (an empty parse would pass the check above vacuously).
        Assert.Superset(new HashSet<string>
        {
            "rnn_train_loss", "rnn_eval_accuracy", "rnn_train_samples_total", "rnn_train_step_duration_seconds_sum",
            "rnn_shard_compute_duration_seconds_sum", "rnn_train_grad_norm", "rnn_train_learning_rate", "orleans_catalog_activations",
        }, queried);
    }

    [Fact]
    public void TheQueryParserSeesThroughFunctionsLabelsAndGrouping()
    {
        Assert.Equal(new HashSet<string> { "a_sum", "b_count" },
            PromQlNames.Of("sum by (phase, le) (rate(a_sum{job_id=~\"$job\", x=\"y z\"}[1m])) / on(job) b_count offset 5m"));
    }

    /// <summary>The expressions of every panel target and of the template variables.</summary>
    private static IEnumerable<string> Queries()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(DashboardFile));
        var root = json.RootElement;
        var panels = root.GetProperty("panels").EnumerateArray().ToArray();
        Assert.NotEmpty(panels);
        var expressions = panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        foreach (var variable in root.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            // label_values(metric, label): the metric is what must exist.
            var query = variable.GetProperty("definition").GetString()!;
            expressions.Add(query[(query.IndexOf('(', StringComparison.Ordinal) + 1)..query.IndexOf(',', StringComparison.Ordinal)]);
        }
        return expressions;
    }
}
