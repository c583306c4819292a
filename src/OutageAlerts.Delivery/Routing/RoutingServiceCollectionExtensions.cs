using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OutageAlerts.Delivery.Digests;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Routing;

internal static class RoutingServiceCollectionExtensions
{
    /// <summary>What routing decides with beyond the filters: silences, quiet hours, digests and recipient caps.</summary>
    public static IServiceCollection AddRoutingPolicies(this IServiceCollection services)
    {
        services.AddStoreMigration(DeliveryLog.RecipientIndexMigrationId, DeliveryLog.RecipientIndexMigrationSql);
        services.AddStoreMigration(DigestSchedule.MigrationId, DigestSchedule.MigrationSql);
        services.AddStoreMigration(DeliveryLog.AttemptLeaseMigrationId, DeliveryLog.AttemptLeaseMigrationSql);
        services.AddOptions<DeliveryOptions>()
            .Validate(
                o => o.RecipientCaps is { Email: >= 0 and <= 100_000, Sms: >= 0 and <= 100_000, Webhook: >= 0 and <= 100_000 },
                $"{DeliveryOptions.SectionName}:RecipientCaps:Email, Sms and Webhook must be between 0 (no cap) and 100000.");
        services.TryAddSingleton<DigestSchedule>();
        services.TryAddSingleton<DigestPump>();
        services.AddHostedService(sp => sp.GetRequiredService<DigestPump>());
        return services;
    }
}
