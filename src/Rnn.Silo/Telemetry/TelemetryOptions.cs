using Microsoft.Extensions.Configuration;

namespace Rnn.Silo.Telemetry;

/// <summary>
/// Which exporters a silo runs, from the configuration section <see cref="Section"/> (appsettings.json,
/// environment variables such as Telemetry__Prometheus=true, or the command line). All off by default: a silo
/// without this section (tests, `rnn train`) registers no MeterProvider or TracerProvider at all, so the
/// instruments cost one "anyone listening?" check.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>OTLP endpoint (e.g. http://otel-collector:4317) metrics and traces are pushed to; null: no OTLP.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Serve the Prometheus scrape endpoint at <see cref="PrometheusPath"/> on the silo's HTTP port.</summary>
    public bool Prometheus { get; set; }

    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>
    /// A plain HTTP/1.1 port for <see cref="PrometheusPath"/> and <see cref="DashboardPath"/>. The API port speaks
    /// HTTP/2 only when it has no certificate (h2c), which Prometheus and browsers cannot use; null serves them on
    /// the API port (fine with TLS, where ALPN offers HTTP/1.1 too).
    /// </summary>
    public int? HttpPort { get; set; }

    /// <summary>The address <see cref="HttpPort"/> listens on.</summary>
    public string HttpAddress { get; set; } = "0.0.0.0";

    /// <summary>Write metrics and spans to the console (for a quick look; noisy).</summary>
    public bool Console { get; set; }

    /// <summary>Serve the Orleans Dashboard at <see cref="DashboardPath"/> (behind the API's authentication).</summary>
    public bool Dashboard { get; set; }

    public string DashboardPath { get; set; } = "/dashboard";

    /// <summary>Whether any exporter is on, i.e. whether OpenTelemetry is registered at all.</summary>
    public bool AnyExporter => OtlpEndpoint is not null || Prometheus || Console;

    /// <summary>The options in <paramref name="configuration"/>'s <see cref="Section"/>; defaults where it has none.</summary>
    public static TelemetryOptions From(IConfiguration? configuration)
    {
        var options = new TelemetryOptions();
        configuration?.GetSection(Section).Bind(options);
        return options;
    }
}
