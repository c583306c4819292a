using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OutageAlerts.Host.Messaging;
using Quartz.Diagnostics;

namespace OutageAlerts.Host.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    public const string ServiceName = "outage-alerts";

    // Every area names its ActivitySource and Meter "OutageAlerts.<Area>".
    private const string OwnSources = "OutageAlerts.*";

    // The configured feeds; their number sizes the per-feed metric streams.
    private const string FeedsSection = "OutageAlerts:Feeds";

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
        services.AddMetrics();
        services.TryAddSingleton<BacklogMetrics>();
        var feeds = configuration.GetSection(FeedsSection).GetChildren().Count();
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
                .AddView(instrument => MetricStreams.For(instrument, feeds))
                .AddPrometheusExporter());

        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    /// <summary>
    /// The background refreshes behind the backlog gauges (<see cref="BacklogMetrics"/>): pending delivery retries
    /// from the store and, on RabbitMQ, the depth of the error queues. Both belong to the delivery role, which owns
    /// the retries table and the consumers whose queues they are; every delivery replica reports the same values.
    /// </summary>
    public static IServiceCollection AddBacklogMonitoring(this IServiceCollection services, IConfiguration configuration, ServiceRoles roles)
    {
        var key = $"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.BacklogRefreshInterval)}";
        services.AddOptions<TelemetryOptions>()
            .Bind(configuration.GetSection(TelemetryOptions.SectionName))
            .Validate(
                o => o.BacklogRefreshInterval > TimeSpan.Zero && o.BacklogRefreshInterval <= TelemetryOptions.MaximumBacklogRefreshInterval,
                $"{key} must be positive and at most {TelemetryOptions.MaximumBacklogRefreshInterval}.")
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<BacklogMetrics>();
        if (!roles.HasFlag(ServiceRoles.Delivery))
        {
            return services;
        }

        services.AddHostedService<DeliveryRetriesMonitor>();
        var messaging = MessagingOptions.From(configuration);
        if (messaging.Transport == TransportKind.RabbitMq)
        {
            var address = RabbitMqAddress.Parse(messaging.ConnectionString);
            services.AddHostedService(provider => ActivatorUtilities.CreateInstance<ErrorQueueMonitor>(provider, address));
        }

        return services;
    }
}
