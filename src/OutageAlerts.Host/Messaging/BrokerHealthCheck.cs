using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace OutageAlerts.Host.Messaging;

/// <summary>
/// MassTransit's bus check, stricter: the bus reports Degraded when its receive endpoints lost the broker (a
/// deleted virtual host, revoked permissions, a broker restarting), and Degraded answers 200. A process whose
/// endpoints cannot consume or whose alerts cannot be published must leave service, so Degraded becomes Unhealthy.
/// </summary>
internal sealed class BrokerHealthCheck(IHealthCheck bus) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = await bus.CheckHealthAsync(context, cancellationToken);
        return result.Status == HealthStatus.Degraded
            ? new HealthCheckResult(HealthStatus.Unhealthy, result.Description, result.Exception, result.Data)
            : result;
    }
}

/// <summary>Wraps the registration MassTransit adds under <see cref="MessagingServiceCollectionExtensions.BrokerHealthCheckName"/>.</summary>
internal sealed class BrokerHealthCheckRegistration : IPostConfigureOptions<HealthCheckServiceOptions>
{
    public void PostConfigure(string? name, HealthCheckServiceOptions options)
    {
        foreach (var registration in options.Registrations.Where(r => r.Name == MessagingServiceCollectionExtensions.BrokerHealthCheckName))
        {
            var inner = registration.Factory;
            registration.Factory = provider => new BrokerHealthCheck(inner(provider));
        }
    }
}
