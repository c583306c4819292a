using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutageAlerts.Classification.Scoring;

namespace OutageAlerts.Classification.Tests;

public class ClassificationServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddClassification(configuration).BuildServiceProvider();
    }

    [Fact]
    public void AddClassification_RegistersSingletonWithBoundThresholds()
    {
        using var provider = Build(new() { ["OutageAlerts:Classification:Severity:ExtremeKilled"] = "3" });
        var first = provider.GetRequiredService<IStrikeClassifier>();
        Assert.Same(first, provider.GetRequiredService<IStrikeClassifier>());
        var a = first.Classify(new Report("1", "Missile kills three in Poltava apartment block", null));
        Assert.Equal(Contracts.Severity.Extreme, a.Severity);
    }

    [Fact]
    public void AddClassification_InvalidThreshold_FailsValidationNamingKey()
    {
        using var provider = Build(new() { ["OutageAlerts:Classification:Severity:SevereOutageCustomers"] = "900000" });
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SeverityOptions>>().Value);
        Assert.Contains("SevereOutageCustomers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddClassification_MissingDataDirectory_FailsValidation()
    {
        using var provider = Build(new() { ["OutageAlerts:Classification:DataDirectory"] = "/nonexistent/dir" });
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ClassificationOptions>>().Value);
    }
}
