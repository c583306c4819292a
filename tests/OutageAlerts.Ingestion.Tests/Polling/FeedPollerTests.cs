using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using OutageAlerts.Classification;
using OutageAlerts.Contracts;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.Polling;
using OutageAlerts.Ingestion.State;
using OutageAlerts.Testing;

namespace OutageAlerts.Ingestion.Tests.Polling;

/// <summary>
/// The poll pipeline against a real SQLite store, with the fetcher, parser, classifier and bus substituted at
/// their boundaries.
/// </summary>
public sealed class FeedPollerTests : IAsyncLifetime
{
    private static readonly FeedOptions Feed = new() { Name = "wire", Url = "https://example.org/feed.xml" };
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly TestStore _store = TestStore.Sqlite();
    private readonly IFeedFetcher _fetcher = Substitute.For<IFeedFetcher>();
    private readonly IFeedParser _parser = Substitute.For<IFeedParser>();
    private readonly IStrikeClassifier _classifier = Substitute.For<IStrikeClassifier>();
    private readonly IPublishEndpoint _bus = Substitute.For<IPublishEndpoint>();
    private readonly FakeTimeProvider _time = new(Now);
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        _services = BuildServices(new Dictionary<string, string?>());
        _classifier.Classify(Arg.Any<Report>()).Returns(call => Assess(call.Arg<Report>()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task PollAsync_NewStrikeItem_PublishesAlertRaisedOnceAcrossPolls()
    {
        ServeFeed(Item("s1", "Missile strike on a substation"), Item("n1", "Budget debate"));

        await PollAsync();
        await PollAsync();

        await _bus.Received(1).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "s1"), Arg.Any<CancellationToken>());
        Assert.Single(_bus.ReceivedCalls());
    }

    [Fact]
    public async Task PollAsync_AfterSuccess_SendsValidatorsAndTreats304AsNothingNew()
    {
        ServeFeed(Item("s1", "Missile strike on a substation"));
        await PollAsync();
        _fetcher.FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>())
            .Returns(new FetchResult { Status = FetchStatus.NotModified, Url = Feed.ResolvedUrl!, HttpStatus = 304 });

        var outcome = await PollAsync();

        Assert.Equal(PollOutcome.NotModified, outcome);
        await _fetcher.Received().FetchAsync(Arg.Is<FetchRequest>(r => r.ETag == "\"v1\""), Arg.Any<CancellationToken>());
        var state = await StateAsync();
        Assert.Equal(Now, state.LastSuccess);
        Assert.Equal(0, state.ConsecutiveFailures);
    }

    [Fact]
    public async Task PollAsync_Gone_DisablesTheFeedAndStopsFetchingIt()
    {
        _fetcher.FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>())
            .Returns(new FetchResult { Status = FetchStatus.Gone, Url = Feed.ResolvedUrl!, HttpStatus = 410 });

        Assert.Equal(PollOutcome.Gone, await PollAsync());
        Assert.Equal(PollOutcome.Disabled, await PollAsync());

        await _fetcher.Received(1).FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>());
        var state = await StateAsync();
        Assert.Equal(FeedStatus.Disabled, state.Status);
        Assert.Equal("410 Gone", state.StatusReason);
    }

    [Fact]
    public async Task PollAsync_UnparseableBody_RecordsTheErrorAndCountsConsecutiveFailures()
    {
        _fetcher.FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>())
            .Returns(new FetchResult { Status = FetchStatus.Ok, Url = Feed.ResolvedUrl!, Body = "garbage"u8.ToArray() });
        _parser.Parse(Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<string?>(), Arg.Any<Uri?>())
            .Throws(new FeedParseException("not a feed: root element is <html>"));

        await PollAsync();
        Assert.Equal(PollOutcome.ParseFailed, await PollAsync());

        var state = await StateAsync();
        Assert.Equal(2, state.ConsecutiveFailures);
        Assert.Equal("parse: not a feed: root element is <html>", state.LastError);
        Assert.Empty(_bus.ReceivedCalls());
    }

    [Fact]
    public async Task PollAsync_PublishFails_ItemIsNotRememberedAndIsRetriedNextPoll()
    {
        ServeFeed(Item("s1", "Missile strike on a substation"));
        _bus.Publish(Arg.Any<AlertRaised>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromException(new InvalidOperationException("broker unreachable")), Task.CompletedTask);

        await Assert.ThrowsAsync<InvalidOperationException>(PollAsync);
        await PollAsync();

        await _bus.Received(2).Publish(Arg.Any<AlertRaised>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PollAsync_FirstPollWithMaxItemAge_RecordsOldItemsWithoutAlerting()
    {
        await _services.DisposeAsync();
        _services = BuildServices(new() { ["OutageAlerts:Ingestion:FirstPollMaxItemAge"] = "1.00:00:00" });
        ServeFeed(Item("old", "Missile strike on a substation", Now.AddDays(-3)), Item("new", "Missile strike on a school", Now.AddHours(-2)));

        await PollAsync();
        await PollAsync();

        await _bus.Received(1).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "new"), Arg.Any<CancellationToken>());
        Assert.Single(_bus.ReceivedCalls());
    }

    private ServiceProvider BuildServices(Dictionary<string, string?> extra)
    {
        // No corroboration hold: these tests are about what one poll publishes, not about storm control.
        var settings = new Dictionary<string, string?>(_store.Settings) { ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00" };
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddIngestion(configuration);
        services.AddSingleton(_fetcher).AddSingleton(_parser).AddSingleton(_classifier).AddSingleton(_bus);
        return services.BuildServiceProvider();
    }

    private async Task<PollOutcome> PollAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FeedPoller>().PollAsync(Feed, CancellationToken.None);
    }

    private Task<FeedState> StateAsync() =>
        _services.GetRequiredService<IngestionStore>().GetFeedAsync(Feed.Name, CancellationToken.None);

    private void ServeFeed(params FeedItem[] items)
    {
        _fetcher.FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>())
            .Returns(new FetchResult { Status = FetchStatus.Ok, Url = Feed.ResolvedUrl!, Body = "<rss/>"u8.ToArray(), ETag = "\"v1\"" });
        _parser.Parse(Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<string?>(), Arg.Any<Uri?>())
            .Returns(new ParsedFeed("rss20", "Wire", null, "en", items));
    }

    private static FeedItem Item(string id, string title, DateTimeOffset? published = null) =>
        new() { Id = id, Title = title, Summary = title + ".", Published = published ?? Now.AddMinutes(-5) };

    // The classifier is a boundary here: "strike" in the title is what makes an alert.
    private static Assessment Assess(Report report)
    {
        var alert = report.Title.Contains("strike", StringComparison.OrdinalIgnoreCase);
        return new Assessment
        {
            Alert = alert,
            Severity = alert ? Severity.Moderate : Severity.None,
            Urgency = Urgency.Immediate,
            Certainty = Certainty.Observed,
            Language = "en",
            Targets = alert ? ["power_grid"] : [],
            Country = alert ? "UA" : null,
        };
    }
}
