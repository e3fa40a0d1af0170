using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using Rnn.Silo.Authentication;

namespace Rnn.Silo.Telemetry;

/// <summary>The HTTP side of telemetry on the standalone silo's web host: /metrics and the Orleans Dashboard.</summary>
public static class TelemetryEndpoints
{
    /// <summary>
    /// Maps what the Telemetry section turns on, nothing otherwise: the Prometheus scrape endpoint (open: Prometheus
    /// scrapes without a token, and the numbers are not tenant data) and the Orleans Dashboard behind the API's
    /// bearer tokens. With <see cref="TelemetryOptions.HttpPort"/> both are served only on that HTTP/1.1 port, added
    /// to Kestrel's listeners here (before the host starts) so the host needs this one call.
    /// </summary>
    public static WebApplication MapRnnTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetService<TelemetryOptions>() ?? new TelemetryOptions();
        if (!options.Prometheus && !options.Dashboard) return app;
        string[] hosts = [];
        if (options.HttpPort is { } port)
        {
            var kestrel = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
            kestrel.Listen(IPAddress.Parse(options.HttpAddress), port, listen => listen.Protocols = HttpProtocols.Http1);
            hosts = [$"*:{port}"];
        }
        if (options.Prometheus)
        {
            var metrics = app.MapPrometheusScrapingEndpoint(options.PrometheusPath);
            if (hosts.Length > 0) metrics.RequireHost(hosts);
        }
        if (options.Dashboard)
        {
            var authentication = app.Services.GetService<ApiAuthentication>() ?? new ApiAuthentication(null);
            var gate = new DashboardAuthentication(authentication, options.DashboardPath);
            app.UseWhen(c => c.Request.Path.StartsWithSegments(options.DashboardPath), a => a.Use(gate.InvokeAsync));
            var dashboard = app.MapOrleansDashboard(options.DashboardPath);
            if (hosts.Length > 0) dashboard.RequireHost(hosts);
        }
        return app;
    }
}
