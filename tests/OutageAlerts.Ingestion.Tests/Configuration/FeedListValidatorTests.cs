using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutageAlerts.Ingestion.Configuration;

namespace OutageAlerts.Ingestion.Tests.Configuration;

public sealed class FeedListValidatorTests
{
    [Theory]
    [InlineData("OutageAlerts:Feeds:1:Url", "ftp://example.org/feed", "OutageAlerts:Feeds:1:Url")]
    [InlineData("OutageAlerts:Feeds:1:Url", "not a url", "OutageAlerts:Feeds:1:Url")]
    [InlineData("OutageAlerts:Feeds:1:Name", "", "OutageAlerts:Feeds:1:Name")]
    [InlineData("OutageAlerts:Feeds:1:Name", "first", "OutageAlerts:Feeds:1:Name")]
    [InlineData("OutageAlerts:Feeds:1:Interval", "00:00:00.2", "OutageAlerts:Feeds:1:Interval")]
    [InlineData("OutageAlerts:Feeds:1:Url", "https://api.reliefweb.int/v2/reports?limit=20", "without an appname")]
    [InlineData("OutageAlerts:Feeds:1:Url", "https://api.reliefweb.int/v2/reports?appname=&limit=20", "apidoc.reliefweb.int/parameters#appname")]
    [InlineData("OutageAlerts:Ingestion:PauseAfterParseFailures", "0", "OutageAlerts:Ingestion:PauseAfterParseFailures")]
    [InlineData("OutageAlerts:Ingestion:MaxBackoff", "00:00:10", "OutageAlerts:Ingestion:MaxBackoff")]
    [InlineData("OutageAlerts:Ingestion:PauseCooldown", "00:00:00", "OutageAlerts:Ingestion:PauseCooldown")]
    [InlineData("OutageAlerts:Ingestion:MaxPublishesInFlight", "0", "OutageAlerts:Ingestion:MaxPublishesInFlight")]
    [InlineData("OutageAlerts:Ingestion:MaxPublishesInFlight", "1001", "OutageAlerts:Ingestion:MaxPublishesInFlight")]
    public void Validate_BadFeedSetting_FailsNamingTheKey(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OutageAlerts:Feeds:0:Name"] = "first",
            ["OutageAlerts:Feeds:0:Url"] = "https://example.org/feed.xml",
            ["OutageAlerts:Feeds:1:Name"] = "second",
            ["OutageAlerts:Feeds:1:Url"] = "file:///tmp/feed.xml",
            [key] = value,
        };

        var error = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GoodFeeds_BindsEveryFeedWithItsInterval()
    {
        var feeds = Bind(new Dictionary<string, string?>
        {
            ["OutageAlerts:Feeds:0:Name"] = "wire",
            ["OutageAlerts:Feeds:0:Url"] = "https://example.org/feed.xml",
            ["OutageAlerts:Feeds:0:Interval"] = "00:02:00",
            ["OutageAlerts:Feeds:1:Name"] = "samples",
            ["OutageAlerts:Feeds:1:Url"] = "file:samples/feeds/a.xml",
            ["OutageAlerts:Feeds:2:Name"] = "reliefweb",
            ["OutageAlerts:Feeds:2:Url"] = "https://api.reliefweb.int/v2/reports?appname=example-org-outages-x7q2&profile=list",
        });

        Assert.Equal(["wire", "samples", "reliefweb"], feeds.Feeds.Select(f => f.Name));
        Assert.Equal(TimeSpan.FromMinutes(2), feeds.Feeds[0].Interval);
        Assert.Equal(FeedOptions.DefaultInterval, feeds.Feeds[1].Interval);
        Assert.Equal(Path.GetFullPath("samples/feeds/a.xml"), feeds.Feeds[1].ResolvedUrl!.LocalPath);
    }

    private static FeedList Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddIngestion(configuration).BuildServiceProvider();
        _ = services.GetRequiredService<IOptions<IngestionOptions>>().Value;
        return services.GetRequiredService<IOptions<FeedList>>().Value;
    }
}
