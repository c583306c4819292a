using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OutageAlerts.Host;
using OutageAlerts.Host.Messaging;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;

namespace OutageAlerts.IntegrationTests.ScaleOut;

/// <summary>The scale-out settings are read as documented and a bad one stops the service naming its key.</summary>
[Collection(PipelineTests.Name)]
public sealed class ScaleOutConfigurationTests
{
    [Fact]
    public void From_HostsAsListAndCommaSeparated_ReadsEveryNodeOnce()
    {
        var configuration = Configuration(new()
        {
            ["OutageAlerts:RabbitMq:Hosts"] = "rabbit-1, rabbit-2:5673",
            ["OutageAlerts:RabbitMq:Hosts:0"] = "rabbit-3",
            ["OutageAlerts:RabbitMq:Hosts:1"] = "rabbit-1",
            ["OutageAlerts:RabbitMq:QuorumQueues"] = "true",
        });

        var options = MessagingOptions.From(configuration);

        Assert.Equal([new RabbitMqClusterNode("rabbit-1", null), new RabbitMqClusterNode("rabbit-2", 5673), new RabbitMqClusterNode("rabbit-3", null)], options.Hosts);
        Assert.True(options.QuorumQueues);
    }

    [Fact]
    public void Endpoints_ClusterNodes_ConnectionStringHostFirstThenTheOthersWithItsPort()
    {
        var address = RabbitMqAddress.Parse("amqp://u:p@rabbit-1:5680/outage");

        var endpoints = address.Endpoints([new RabbitMqClusterNode("rabbit-1", null), new RabbitMqClusterNode("rabbit-2", null), new RabbitMqClusterNode("rabbit-3", 5690)]);

        Assert.Equal(["rabbit-1:5680", "rabbit-2:5680", "rabbit-3:5690"], endpoints.Select(e => $"{e.HostName}:{e.Port}"));
    }

    [Theory]
    [InlineData("OutageAlerts:RabbitMq:Hosts", "amqp://guest:guest@rabbit-2/", "OutageAlerts:RabbitMq:Hosts")]
    [InlineData("OutageAlerts:RabbitMq:Hosts:1", "rabbit-2:99999", "OutageAlerts:RabbitMq:Hosts:1")]
    [InlineData("OutageAlerts:RabbitMq:QuorumQueues", "sometimes", "OutageAlerts:RabbitMq:QuorumQueues")]
    [InlineData("OutageAlerts:RabbitMq:PrefetchCount", "0", "OutageAlerts:RabbitMq:PrefetchCount")]
    public void From_BadValue_FailsNamingTheKey(string key, string value, string named)
    {
        var configuration = Configuration(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => MessagingOptions.From(configuration));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OutageAlerts:Delivery:Channels:Webhook:PrefetchCount", "0")]
    [InlineData("OutageAlerts:Delivery:Channels:Sms:ConcurrentMessageLimit", "1000")]
    public async Task Run_BadChannelLimit_FailsAtStartNamingTheKey(string key, string value)
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = env.BuildHost(ServiceRoles.Delivery, new Dictionary<string, string?> { [key] = value });
            await host.StartAsync();
        });

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
