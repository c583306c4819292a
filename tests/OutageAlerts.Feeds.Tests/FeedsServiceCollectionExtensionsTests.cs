using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Feeds.Tests;

public sealed class FeedsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddFeeds_EmptyConfiguration_RegistersParserFetcherAndDefaults()
    {
        using var provider = Build([]);

        Assert.IsType<FeedParser>(provider.GetRequiredService<IFeedParser>());
        Assert.Same(provider.GetRequiredService<IFeedParser>(), provider.GetRequiredService<IFeedParser>());
        Assert.IsType<FeedFetcher>(provider.GetRequiredService<IFeedFetcher>());
        var options = provider.GetRequiredService<IOptions<FeedsOptions>>().Value;
        Assert.Equal(FeedsOptions.DefaultMaxBodyBytes, options.MaxBodyBytes);
        Assert.Equal(15L * 1024 * 1024, options.MaxBodyBytes);
        Assert.NotNull(provider.GetRequiredService<IHttpClientFactory>().CreateClient(FeedFetcher.HttpClientName));
    }

    [Fact]
    public void AddFeeds_ConfiguredValues_AreBound()
    {
        using var provider = Build(new()
        {
            ["OutageAlerts:FeedFetching:MaxBodyBytes"] = "2048",
            ["OutageAlerts:FeedFetching:Timeout"] = "00:00:30",
            ["OutageAlerts:FeedFetching:UserAgent"] = "Custom/2.0",
        });

        var options = provider.GetRequiredService<IOptions<FeedsOptions>>().Value;

        Assert.Equal(2048, options.MaxBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal("Custom/2.0", options.UserAgent);
    }

    [Theory]
    [InlineData("MaxBodyBytes", "0")]
    [InlineData("Timeout", "00:00:00")]
    [InlineData("AttemptTimeout", "00:10:00")]
    [InlineData("MaxRetries", "-1")]
    [InlineData("MaxRedirects", "100")]
    [InlineData("UserAgent", "")]
    public void AddFeeds_InvalidValue_FailsAtStartNamingTheKey(string key, string value)
    {
        using var provider = Build(new() { ["OutageAlerts:FeedFetching:" + key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("OutageAlerts:FeedFetching:" + key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddFeeds_FetchClient_HasNoLoggingHandlers()
    {
        // Guards the cost per request (issue 10): the fetcher logs outcomes itself.
        using var provider = Build([]);

        var chain = new List<Type>();
        for (var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(FeedFetcher.HttpClientName);
             handler is not null;
             handler = (handler as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(handler.GetType());
        }

        Assert.Contains(chain, t => t == typeof(System.Net.Http.SocketsHttpHandler));
        Assert.DoesNotContain(chain, t => t.Namespace == "Microsoft.Extensions.Http.Logging");
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddFeeds(configuration).BuildServiceProvider();
    }
}
