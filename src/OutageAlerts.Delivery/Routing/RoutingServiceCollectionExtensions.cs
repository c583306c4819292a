using Microsoft.Extensions.DependencyInjection;

namespace OutageAlerts.Delivery.Routing;

internal static class RoutingServiceCollectionExtensions
{
    /// <summary>What routing decides with beyond the filters: silences, quiet hours, digests and recipient caps.</summary>
    public static IServiceCollection AddRoutingPolicies(this IServiceCollection services) => services;
}
