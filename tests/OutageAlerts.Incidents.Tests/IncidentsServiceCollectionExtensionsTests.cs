using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutageAlerts.Contracts;

namespace OutageAlerts.Incidents.Tests;

public sealed class IncidentsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddIncidents_Configuration_BindsTheOptions()
    {
        using var services = Build(new() { ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:10", ["OutageAlerts:Incidents:ImmediateSeverity"] = "Severe" });

        var options = services.GetRequiredService<IOptions<IncidentOptions>>().Value;

        Assert.Equal((TimeSpan.FromSeconds(10), Severity.Severe), (options.FirstMessageHold, options.ImmediateSeverity));
        Assert.Equal(IncidentOptions.DefaultQuietPeriod, options.QuietPeriod);
    }

    [Theory]
    [InlineData("OutageAlerts:Incidents:FirstMessageHold", "01:00:00")]
    [InlineData("OutageAlerts:Incidents:CorrelationWindow", "100.00:00:00")]
    [InlineData("OutageAlerts:Incidents:MatchThreshold", "-1")]
    public void AddIncidents_InvalidValue_FailsNamingTheKey(string key, string value)
    {
        using var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<IncidentOptions>>().Value);
        Assert.Contains(key.Split(':')[^1], error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddIncidents(configuration).BuildServiceProvider();
    }
}
