using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Telemetry;
using OutageAlerts.Storage.Retention;

namespace OutageAlerts.IntegrationTests.Retention;

/// <summary>Each role of the real service purges exactly the data it owns, and the purge runs on its store.</summary>
[Collection(PipelineTests.Name)]
public sealed class RetentionWiringTests
{
    [Theory]
    [InlineData(ServiceRoles.All, "delivery,incidents,ingestion")]
    [InlineData(ServiceRoles.Ingestion, "incidents,ingestion")]
    [InlineData(ServiceRoles.Delivery, "delivery")]
    public async Task Build_Role_RunsTheRetentionLoopOverItsOwnAreas(ServiceRoles roles, string areas)
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        await using var host = env.BuildHost(roles);

        Assert.Single(host.Services.GetServices<IHostedService>().OfType<StoreRetention>());
        Assert.Equal(areas, string.Join(',', host.Services.GetServices<IStoreRetention>().Select(a => a.Area).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task PurgeAsync_FreshStoreOfTheWholeService_RunsEveryAreaWithoutError()
    {
        // Every area's statements against the schema the service's own migrations built (a typo in a table or
        // column name would only show here, or in production a day after the first deployment).
        await using var env = await TelemetryTestEnvironment.StartAsync();
        await using var host = env.BuildHost(ServiceRoles.All);
        await host.StartAsync();
        try
        {
            // Called directly: the loop logs an area's failure and goes on, which would hide it here.
            foreach (var area in host.Services.GetServices<IStoreRetention>())
            {
                var deleted = await area.PurgeAsync(DateTimeOffset.UtcNow - RetentionOptions.DefaultPeriod, 10, CancellationToken.None);
                Assert.True(deleted == 0, $"{area.Area}: {deleted} rows deleted from a fresh store");
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
