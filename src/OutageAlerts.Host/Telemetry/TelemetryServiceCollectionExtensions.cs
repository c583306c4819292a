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

    // Quartz labels its job metrics with the job's and the trigger's names, and there is one job per feed: with 1,000
    // feeds that was 18,000 series and a 9.4 MB /metrics answer every scrape, whose buffer alone kept 11 MB of the
    // process resident (issue 10). Per-feed timing and outcomes are ours (outagealerts.feed.*); Quartz's stay per group.
    private static readonly string[] QuartzJobTags = ["quartz.job.group", "quartz.job.result", "quartz.scheduler.name"];

    private static readonly double[] FetchSecondsBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];

    private static readonly double[] LatencyMillisecondsBuckets =
        [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 900_000, 1_800_000, 3_600_000];

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
                // The default buckets (0…10,000) put every feed fetch in the first one and every delivery slower
                // than 10 s in the overflow, which would make both latency panels and alert rules blind.
                .AddView("outagealerts.feed.fetch.duration", new ExplicitBucketHistogramConfiguration { Boundaries = FetchSecondsBuckets })
                .AddView("outagealerts.delivery.latency", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyMillisecondsBuckets })
                .AddView("quartz.job.execution.duration", new MetricStreamConfiguration { TagKeys = QuartzJobTags })
                .AddView("quartz.job.execution.active", new MetricStreamConfiguration { TagKeys = QuartzJobTags })
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
