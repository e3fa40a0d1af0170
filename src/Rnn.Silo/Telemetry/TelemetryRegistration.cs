using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Rnn.Silo.Telemetry;

/// <summary>
/// Registers OpenTelemetry for a silo: our <c>Rnn.Training</c> meter and source, Orleans' meter and grain-call
/// sources, .NET runtime metrics, and the exporters <see cref="TelemetryOptions"/> turns on. Called by
/// AddRnnTraining with the silo's configuration, so every host (standalone, local mode, tests) gets the same set-up.
/// </summary>
public static class TelemetryRegistration
{
    public static IServiceCollection AddRnnTelemetry(this IServiceCollection services, TelemetryOptions options, string serviceName = "rnn-silo")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        if (!options.AnyExporter) return services;

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                AddTrainingMeters(metrics);
                if (options.Prometheus) metrics.AddPrometheusExporter(o => o.ScrapeEndpointPath = options.PrometheusPath);
                if (options.OtlpEndpoint is { } endpoint) metrics.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
                if (options.Console) metrics.AddConsoleExporter();
            })
            .WithTracing(tracing =>
            {
                AddTrainingSources(tracing);
                if (options.OtlpEndpoint is { } endpoint) tracing.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
                if (options.Console) tracing.AddConsoleExporter();
            });
        return services;
    }

    /// <summary>The meters a silo exports; tests build their own MeterProvider with exactly these.</summary>
    public static MeterProviderBuilder AddTrainingMeters(MeterProviderBuilder metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics.AddMeter(TelemetryNames.Source, TelemetryNames.OrleansMeter).AddRuntimeInstrumentation();
    }

    /// <summary>The activity sources a silo exports, with job.id copied onto Orleans' spans.</summary>
    public static TracerProviderBuilder AddTrainingSources(TracerProviderBuilder tracing)
    {
        ArgumentNullException.ThrowIfNull(tracing);
        return tracing.AddSource(TelemetryNames.Source, TelemetryNames.OrleansSources).AddProcessor(new JobIdSpanProcessor());
    }
}
