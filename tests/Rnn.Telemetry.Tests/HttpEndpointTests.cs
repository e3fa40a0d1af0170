using System.Net;
using Rnn.Telemetry.Tests.Support;

namespace Rnn.Telemetry.Tests;

/// <summary>The standalone silo serves /metrics in Prometheus format and the Orleans Dashboard behind the API's tokens.</summary>
[Collection(ScrapedSiloCollection.Name)]
public sealed class HttpEndpointTests(ScrapedSiloFixture fixture)
{
    [Fact]
    public void MetricsCarryTheJobsSeriesInPrometheusNaming()
    {
        var names = PrometheusText.SeriesNames(fixture.Scrape);
        Assert.Contains("rnn_train_steps_total", names);
        Assert.Contains("rnn_shard_compute_duration_seconds_bucket", names);
        var loss = Assert.Single(PrometheusText.Samples(fixture.Scrape, "rnn_train_loss"), l => l.Contains($"job_id=\"{ScrapedSiloFixture.JobId}\"", StringComparison.Ordinal));
        Assert.EndsWith(fixture.Status.LastMetrics!.Loss.ToString("R", System.Globalization.CultureInfo.InvariantCulture)[..6],
            loss.Split(' ')[^1][..6]);
    }

    [Fact]
    public async Task DashboardRefusesCallersWithoutAToken()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(fixture.BaseUrl + "/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        response = await http.GetAsync(fixture.BaseUrl + "/dashboard/?token=wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task DashboardServesItsPageToATokenHolder()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.BaseUrl + "/dashboard/");
        request.Headers.Authorization = new("Bearer", ScrapedSiloFixture.Token);
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
