using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;

namespace OutageAlerts.IntegrationTests.Telemetry;

/// <summary>
/// The service talks to nobody its operators did not configure. Regression (issue 10): MassTransit 8.5 reports its
/// usage to masstransit.io five minutes after the bus starts unless it is switched off, and the service had not.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class UsageTelemetryTests
{
    [Theory]
    [InlineData(ServiceRoles.All)]
    [InlineData(ServiceRoles.Ingestion)]
    [InlineData(ServiceRoles.Delivery)]
    public async Task Build_EveryRole_MassTransitUsageTelemetryOff(ServiceRoles roles)
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        await using var host = env.BuildHost(roles);

        var usage = host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value;

        Assert.False(usage.Enabled);
    }
}
