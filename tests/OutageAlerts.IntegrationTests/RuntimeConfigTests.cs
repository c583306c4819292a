using System.Text.Json;

namespace OutageAlerts.IntegrationTests;

/// <summary>The garbage collector the executable runs with (issue 10, docs/performance.md).</summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void RuntimeConfig_GarbageCollector_IsWorkstationWithoutBackgroundCollections()
    {
        // The build copies the referenced executable's runtime configuration next to the tests.
        var path = Path.Combine(AppContext.BaseDirectory, "outage-alerts.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }
}
