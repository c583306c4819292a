using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Quartz.Diagnostics;

namespace OutageAlerts.Host.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    public const string ServiceName = "outage-alerts";

    // Every area names its ActivitySource and Meter "OutageAlerts.<Area>".
    private const string OwnSources = "OutageAlerts.*";

    // MassTransit's ActivitySource and Meter; its spans carry the trace across RabbitMQ.
    private const string MassTransitSource = "MassTransit";

    /// <summary>Prometheus scrape endpoint for the metrics below.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Traces and metrics for our code, MassTransit, HttpClient and ASP.NET Core; exported over OTLP when the
    /// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. HttpClient instrumentation adds W3C traceparent to
    /// every outgoing request, so webhook receivers can join the trace.
    /// </summary>
    public static IServiceCollection AddOutageAlertsTelemetry(this IServiceCollection services, IConfiguration configuration, ServiceRoles roles)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r
                .AddService(ServiceName, serviceVersion: typeof(TelemetryServiceCollectionExtensions).Assembly.GetName().Version?.ToString())
                .AddAttributes([new("outagealerts.roles", roles.ToString())]))
            .WithTracing(tracing => tracing
                .AddSource(OwnSources, MassTransitSource, QuartzInstrumentation.ActivitySourceName)
                .AddHttpClientInstrumentation()
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health")))
            .WithMetrics(metrics => metrics
                .AddMeter(OwnSources, MassTransitSource, QuartzInstrumentation.MeterName)
                .AddHttpClientInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
