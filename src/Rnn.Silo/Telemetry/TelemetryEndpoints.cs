using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Rnn.Silo.Telemetry;

/// <summary>The HTTP side of telemetry on a silo's web host: the Prometheus scrape endpoint.</summary>
public static class TelemetryEndpoints
{
    /// <summary>
    /// Maps <see cref="TelemetryOptions.PrometheusPath"/> when the Prometheus exporter is on; does nothing otherwise.
    /// Unauthenticated on purpose: Prometheus scrapes without a token, and the names and numbers are not tenant data.
    /// </summary>
    public static WebApplication MapRnnTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetService<TelemetryOptions>() ?? new TelemetryOptions();
        if (options.Prometheus) app.MapPrometheusScrapingEndpoint(options.PrometheusPath);
        return app;
    }
}
