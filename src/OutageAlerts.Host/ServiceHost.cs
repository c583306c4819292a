using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OutageAlerts.Delivery;
using OutageAlerts.Delivery.Admin;
using OutageAlerts.Host.Messaging;
using OutageAlerts.Host.Telemetry;
using OutageAlerts.Ingestion;
using OutageAlerts.Storage;

namespace OutageAlerts.Host;

/// <summary>Builds the long-running service for the given roles; `run` and the integration tests share it.</summary>
public static class ServiceHost
{
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

        services.AddMessaging(configuration, roles);
        services.AddOutageAlertsTelemetry(configuration, roles);
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);

        var app = builder.Build();
        // Liveness: the process answers. Readiness: broker, store and scheduler are usable.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready");
        app.MapPrometheusScrapingEndpoint(TelemetryServiceCollectionExtensions.MetricsPath);
        if (roles.HasFlag(ServiceRoles.Delivery))
        {
            app.MapDeliveryAdminApi();
        }
        return app;
    }
}
