using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OutageAlerts.Delivery;
using OutageAlerts.Delivery.Admin;
using OutageAlerts.Delivery.Pull;
using OutageAlerts.Host.Memory;
using OutageAlerts.Host.Messaging;
using OutageAlerts.Host.Telemetry;
using OutageAlerts.Ingestion;
using OutageAlerts.Ingestion.Health;
using OutageAlerts.Storage;
using OutageAlerts.Storage.Retention;

namespace OutageAlerts.Host;

/// <summary>Builds the long-running service for the given roles; `run` and the integration tests share it.</summary>
public static class ServiceHost
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string StoreCheckName = "store";

    private const string ReadyTag = MessagingServiceCollectionExtensions.ReadyTag;

    public static WebApplication Build(string[] args, ServiceRoles roles, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings*.json travel with the binary; relative paths in them (./data, samples/) resolve against the
        // working directory, so the service runs the same from a checkout, a publish folder or a container.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);

        var services = builder.Services;
        var configuration = builder.Configuration;
        builder.Logging.AddOutageAlertsLogging(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddStore(configuration);
        if (roles.HasFlag(ServiceRoles.Ingestion))
        {
            services.AddIngestion(configuration);
        }

        if (roles.HasFlag(ServiceRoles.Delivery))
        {
            services.AddDelivery(configuration);
        }

        // Both roles purge what they own; the one-off commands (replay, alerts) never do.
        services.AddStoreRetention(configuration);
        services.AddMessaging(configuration, roles);
        services.AddOutageAlertsTelemetry(configuration, roles);
        services.AddBacklogMonitoring(configuration, roles);
        services.AddIdleMemoryTrim(configuration);
        // The broker check is MassTransit's own, registered by AddMessaging under the same tag.
        var health = services.AddHealthChecks().AddCheck<StoreHealthCheck>(StoreCheckName, tags: [ReadyTag]);
        if (roles.HasFlag(ServiceRoles.Ingestion))
        {
            health.AddIngestionChecks(configuration, ReadyTag);
        }

        var app = builder.Build();
        // Liveness: the process answers, whatever its dependencies do (restarting it would not bring them back).
        // Readiness: broker, store and (ingestion) scheduler usable, 503 when one is not; stale feeds make it
        // Degraded, still 200, with the reason in the body.
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        app.MapPrometheusScrapingEndpoint(TelemetryServiceCollectionExtensions.MetricsPath);
        if (roles.HasFlag(ServiceRoles.Delivery))
        {
            app.MapDeliveryAdminApi();
            app.MapPullOutputs();
        }
        return app;
    }
}
