using OutageAlerts.Host.Telemetry;

namespace OutageAlerts.IntegrationTests.Health;

/// <summary>What the health JSON may say about a check: never credentials, whichever library wrote the description.</summary>
public sealed class HealthReportWriterTests
{
    [Theory]
    [InlineData("Not ready: amqp://ops:s3cr3t@rabbit.internal:5672/alerts refused", "Not ready: amqp://***@rabbit.internal:5672/alerts refused")]
    [InlineData("connect failed (Host=db;Username=outage;Password=hunter2;Database=oa)", "connect failed (Host=db;Username=outage;Password=***;Database=oa)")]
    [InlineData("webhook token=abc123 rejected", "webhook token=*** rejected")]
    [InlineData("Sqlite store reachable", "Sqlite store reachable")]
    public void Mask_DescriptionWithCredentials_HidesThem(string description, string expected)
    {
        Assert.Equal(expected, HealthReportWriter.Mask(description));
    }

    [Fact]
    public void Mask_VeryLongDescription_IsCut()
    {
        var masked = HealthReportWriter.Mask(new string('x', 5_000));

        Assert.NotNull(masked);
        Assert.True(masked.Length <= 501, $"length {masked.Length}");
    }
}
