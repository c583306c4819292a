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
using OutageAlerts.Incidents;
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
        _time.Advance(TimeSpan.FromMinutes(5));
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
    public async Task PollAsync_OneOfTwoPublishesFails_OnlyThatItemIsRetriedNextPoll()
    {
        // Three days apart: two incidents, so each item publishes its own AlertRaised.
        ServeFeed(Item("s1", "Missile strike on a substation", Now.AddDays(-3)), Item("s2", "Drone strike on a pumping station"));
        _bus.Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "s1"), Arg.Any<CancellationToken>())
            .Returns(Task.FromException(new InvalidOperationException("broker unreachable")), Task.CompletedTask);

        await Assert.ThrowsAsync<InvalidOperationException>(PollAsync);
        await PollAsync();

        await _bus.Received(2).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "s1"), Arg.Any<CancellationToken>());
        await _bus.Received(1).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "s2"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PollAsync_FirstPollWithMaxItemAge_RecordsOldItemsWithoutAlerting()
    {
        await RebuildAsync(new() { ["OutageAlerts:Ingestion:FirstPollMaxItemAge"] = "1.00:00:00" });
        ServeFeed(Item("old", "Missile strike on a substation", Now.AddDays(-3)), Item("new", "Missile strike on a school", Now.AddHours(-2)));

        await PollAsync();
        await PollAsync();

        await _bus.Received(1).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "new"), Arg.Any<CancellationToken>());
        Assert.Single(_bus.ReceivedCalls());
    }

    [Fact]
    public async Task PollAsync_RetryAfter_SkipsPollsUntilThenAndPollsAfter()
    {
        FetchReturns(new FetchResult { Status = FetchStatus.Failed, Url = Feed.ResolvedUrl!, HttpStatus = 429, RetryAfter = TimeSpan.FromMinutes(10), Error = "come back later" });

        Assert.Equal(PollOutcome.Failed, await PollAsync());
        var state = await StateAsync();
        Assert.Equal(FeedStatus.BackingOff, state.Status);
        Assert.Equal(Now.AddMinutes(10), state.NextPollAfter);
        Assert.Contains("Retry-After 600 s", state.StatusReason, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(PollOutcome.Deferred, await PollAsync());
        await _fetcher.Received(1).FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>());

        ServeFeed(Item("s1", "Missile strike on a substation"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(PollOutcome.Ok, await PollAsync());
        state = await StateAsync();
        Assert.Equal(FeedStatus.Active, state.Status);
        Assert.Null(state.NextPollAfter);
        Assert.Null(state.StatusReason);
    }

    [Fact]
    public async Task PollAsync_HugeRetryAfter_IsCappedAtMaxRetryAfter()
    {
        FetchReturns(new FetchResult { Status = FetchStatus.Failed, Url = Feed.ResolvedUrl!, HttpStatus = 503, RetryAfter = TimeSpan.FromDays(30) });

        await PollAsync();

        Assert.Equal(Now + IngestionOptions.DefaultMaxRetryAfter, (await StateAsync()).NextPollAfter);
    }

    [Fact]
    public async Task PollAsync_ConsecutiveErrors_BackOffExponentiallyWithJitterUpToTheCap()
    {
        await RebuildAsync(new() { ["OutageAlerts:Ingestion:BackoffBase"] = "00:01:00", ["OutageAlerts:Ingestion:MaxBackoff"] = "00:10:00" });
        FetchReturns(new FetchResult { Status = FetchStatus.Failed, Url = Feed.ResolvedUrl!, Error = "Connection refused" });

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var before = _time.GetUtcNow();
            Assert.Equal(PollOutcome.Failed, await PollAsync());
            var next = (await StateAsync()).NextPollAfter!.Value;
            delays.Add(next - before);
            _time.Advance(next - before);
        }

        double[] expectedMinutes = [1, 2, 4, 8, 10, 10];
        for (var i = 0; i < delays.Count; i++)
        {
            Assert.InRange(delays[i].TotalMinutes, expectedMinutes[i] * 0.8, expectedMinutes[i] * 1.2);
        }

        var state = await StateAsync();
        Assert.Equal(6, state.ConsecutiveFailures);
        Assert.Equal(FeedStatus.BackingOff, state.Status);
        Assert.Equal("Connection refused", state.LastError);
        await _fetcher.Received(6).FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PollAsync_BackingOff_SkipsPollsBeforeTheNextAllowedTime()
    {
        await RebuildAsync(new() { ["OutageAlerts:Ingestion:BackoffBase"] = "00:05:00" });
        FetchReturns(new FetchResult { Status = FetchStatus.Failed, Url = Feed.ResolvedUrl!, Error = "HTTP 500" });
        await PollAsync();
        await PollAsync();

        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(PollOutcome.Deferred, await PollAsync());

        await _fetcher.Received(1).FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PollAsync_RepeatedParseFailures_PausesTheFeedUntilTheCooldown()
    {
        await RebuildAsync(new() { ["OutageAlerts:Ingestion:PauseAfterParseFailures"] = "3", ["OutageAlerts:Ingestion:PauseCooldown"] = "02:00:00" });
        ServeUnparseable();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(PollOutcome.ParseFailed, await PollAsync());
            if (i < 2)
            {
                Assert.Equal(FeedStatus.BackingOff, (await StateAsync()).Status);
                _time.Advance(((await StateAsync()).NextPollAfter!.Value - _time.GetUtcNow()) + TimeSpan.FromSeconds(1));
            }
        }

        var paused = await StateAsync();
        Assert.Equal(FeedStatus.Paused, paused.Status);
        Assert.Contains("paused after 3 consecutive parse failures", paused.StatusReason, StringComparison.Ordinal);
        Assert.Equal("parse: not a feed: root element is <html>", paused.LastError);
        Assert.Equal(_time.GetUtcNow().AddHours(2), paused.NextPollAfter);
    }

    [Fact]
    public async Task PollAsync_PausedFeed_IsNotFetchedDuringTheCooldownAndRecoversAfter()
    {
        await RebuildAsync(new() { ["OutageAlerts:Ingestion:PauseAfterParseFailures"] = "1", ["OutageAlerts:Ingestion:PauseCooldown"] = "01:00:00" });
        ServeUnparseable();
        await PollAsync();
        Assert.Equal(FeedStatus.Paused, (await StateAsync()).Status);

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(PollOutcome.Deferred, await PollAsync());
        await _fetcher.Received(1).FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>());

        ServeFeed(Item("s1", "Missile strike on a substation"));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(PollOutcome.Ok, await PollAsync());
        var state = await StateAsync();
        Assert.Equal(FeedStatus.Active, state.Status);
        Assert.Equal(0, state.ConsecutiveParseFailures);
    }

    [Fact]
    public async Task ResumeAsync_PausedFeed_IsPolledAtTheNextTrigger()
    {
        await RebuildAsync(new() { ["OutageAlerts:Ingestion:PauseAfterParseFailures"] = "1" });
        ServeUnparseable();
        await PollAsync();
        ServeFeed(Item("s1", "Missile strike on a substation"));

        Assert.True(await _services.GetRequiredService<FeedStateAdministration>().ResumeAsync(Feed.Name, CancellationToken.None));
        var resumed = await StateAsync();
        Assert.Equal(FeedStatus.Active, resumed.Status);
        Assert.Equal("resumed by an operator", resumed.StatusReason);

        Assert.Equal(PollOutcome.Ok, await PollAsync());
        await _bus.Received(1).Publish(Arg.Any<AlertRaised>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task ResumeAsync_DisabledFeed_ReEnablesIt()
    {
        FetchReturns(new FetchResult { Status = FetchStatus.Gone, Url = Feed.ResolvedUrl!, HttpStatus = 410 });
        await PollAsync();

        await _services.GetRequiredService<FeedStateAdministration>().ResumeAsync(Feed.Name, CancellationToken.None);

        Assert.Equal(PollOutcome.Gone, await PollAsync());
        await _fetcher.Received(2).FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task ResumeAsync_NeverPolledFeed_ReturnsFalse()
    {
        Assert.False(await _services.GetRequiredService<FeedStateAdministration>().ResumeAsync("unknown", CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_ContentLocation_IsTheBaseUriGivenToTheParser()
    {
        var location = new Uri("https://mirror.example.org/archive/feed.xml");
        _fetcher.FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>())
            .Returns(new FetchResult { Status = FetchStatus.Ok, Url = Feed.ResolvedUrl!, ContentLocation = location, Body = "<rss/>"u8.ToArray() });
        _parser.Parse(Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<string?>(), Arg.Any<Uri?>())
            .Returns(new ParsedFeed("rss20", "Wire", null, "en", []));

        await PollAsync();

        _parser.Received(1).Parse(Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<string?>(), location);
    }

    [Fact]
    public async Task PollAsync_FirstPollWithoutMaxItemAge_AlertsOnOldItemsToo()
    {
        ServeFeed(Item("old", "Missile strike on a substation", Now.AddDays(-30)));

        await PollAsync();

        await _bus.Received(1).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "old"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PollAsync_LaterPollWithMaxItemAge_AlertsOnNewlyAddedOldItems()
    {
        await RebuildAsync(new() { ["OutageAlerts:Ingestion:FirstPollMaxItemAge"] = "1.00:00:00" });
        ServeFeed(Item("new", "Missile strike on a school", Now.AddHours(-1)));
        await PollAsync();

        // A late-published item dated days ago, seen after the first poll: only the first poll is filtered.
        ServeFeed(Item("new", "Missile strike on a school", Now.AddHours(-1)), Item("late", "Missile strike on a hospital", Now.AddDays(-3)));
        await PollAsync();

        await _bus.Received(1).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "late"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PollAsync_FirstPollWithMaxItemAge_ProcessesUndatedItems()
    {
        await RebuildAsync(new() { ["OutageAlerts:Ingestion:FirstPollMaxItemAge"] = "1.00:00:00" });
        ServeFeed(new FeedItem { Id = "undated", Title = "Missile strike on a substation", Summary = "No date given." });

        await PollAsync();

        await _bus.Received(1).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "undated"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PollAsync_LaterPollListsAnItemOlderThanTheRetentionPeriod_RecordsItWithoutAlerting()
    {
        // Its seen record may have been purged already; an alert about an event half a year old helps nobody.
        ServeFeed(Item("s1", "Missile strike on a substation"));
        await PollAsync();
        ServeFeed(Item("s1", "Missile strike on a substation"), Item("ancient", "Missile strike on a depot", Now.AddDays(-181)));

        await PollAsync();

        await _bus.DidNotReceive().Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "ancient"), Arg.Any<CancellationToken>());
        var seen = await _services.GetRequiredService<IngestionStore>().FindSeenAsync(["id:wire:ancient"], CancellationToken.None);
        Assert.Single(seen);
    }

    [Fact]
    public async Task PollAsync_FirstPollListsAnItemOlderThanTheRetentionPeriod_AlertsAsWithoutRetention()
    {
        // A feed's first poll is FirstPollMaxItemAge's to decide (unset here: everything alerts).
        ServeFeed(Item("ancient", "Missile strike on a depot", Now.AddDays(-181)));

        await PollAsync();

        await _bus.Received(1).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "ancient"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PollAsync_RetentionDisabled_AlertsOnOldItemsOfLaterPolls()
    {
        await RebuildAsync(new() { ["OutageAlerts:Retention:Enabled"] = "false" });
        ServeFeed(Item("s1", "Missile strike on a substation"));
        await PollAsync();
        ServeFeed(Item("s1", "Missile strike on a substation"), Item("ancient", "Missile strike on a depot", Now.AddDays(-181)));

        await PollAsync();

        await _bus.Received(1).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "ancient"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PollAsync_MoreNewItemsThanOneBatch_CorrelatesThemInBatchesOldestFirst()
    {
        var correlator = await UseRecordingCorrelatorAsync();
        var count = (2 * FeedPoller.CorrelationBatch) + 6;
        // Newest first, as feeds list them; two days apart (beyond the correlation window, within the retention
        // period), so every item is an incident of its own.
        ServeFeed([.. Enumerable.Range(1, count).Reverse().Select(i => Item($"s{i}", $"Missile strike on substation {i}", Now.AddDays(2 * (i - count))))]);

        await PollAsync();
        await PollAsync();

        Assert.Equal([FeedPoller.CorrelationBatch, FeedPoller.CorrelationBatch, 6], correlator.Batches.Select(b => b.Count));
        Assert.Equal([.. Enumerable.Range(1, count).Select(i => $"s{i}")], correlator.Batches.SelectMany(b => b));
        await _bus.Received(count).Publish(Arg.Any<AlertRaised>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PollAsync_BatchCorrelationFails_ItemsBeforeTheFailingOneStillGoOut()
    {
        var correlator = await UseRecordingCorrelatorAsync();
        correlator.Failing = "poison";
        ServeFeed(
            Item("s3", "Drone strike on a water tower", Now.AddDays(-1)),
            Item("poison", "Missile strike on a school", Now.AddDays(-4)),
            Item("s2", "Drone strike on a pumping station", Now.AddDays(-7)),
            Item("s1", "Missile strike on a substation", Now.AddDays(-10)));

        await Assert.ThrowsAsync<InvalidOperationException>(PollAsync);

        await _bus.Received(1).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "s1"), Arg.Any<CancellationToken>());
        await _bus.Received(1).Publish(Arg.Is<AlertRaised>(m => m.Alert.Sources[0].ItemId == "s2"), Arg.Any<CancellationToken>());
        Assert.Equal(2, _bus.ReceivedCalls().Count());

        // Once the store recovers, only what did not go out is processed again.
        correlator.Failing = null;
        _bus.ClearReceivedCalls();
        await PollAsync();

        Assert.Equal(
            ["poison", "s3"],
            _bus.ReceivedCalls().Select(c => ((AlertRaised)c.GetArguments()[0]!).Alert.Sources[0].ItemId));
    }

    /// <summary>Rebuilds the services with the real correlator behind a recorder.</summary>
    private async Task<RecordingCorrelator> UseRecordingCorrelatorAsync()
    {
        RecordingCorrelator? recorder = null;
        await _services.DisposeAsync();
        _services = BuildServices([], services =>
        {
            var real = services.Single(d => d.ServiceType == typeof(IIncidentCorrelator));
            services.Remove(real);
            services.AddSingleton(real.ImplementationType!);
            services.AddSingleton<IIncidentCorrelator>(sp => recorder = new RecordingCorrelator((IIncidentCorrelator)sp.GetRequiredService(real.ImplementationType!)));
        });
        _ = _services.GetRequiredService<IIncidentCorrelator>();
        return recorder!;
    }

    private async Task RebuildAsync(Dictionary<string, string?> extra)
    {
        await _services.DisposeAsync();
        _services = BuildServices(extra);
    }

    private void FetchReturns(FetchResult result) =>
        _fetcher.FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>()).Returns(result);

    private void ServeUnparseable()
    {
        FetchReturns(new FetchResult { Status = FetchStatus.Ok, Url = Feed.ResolvedUrl!, Body = "<html/>"u8.ToArray() });
        _parser.Parse(Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<string?>(), Arg.Any<Uri?>())
            .Throws(new FeedParseException("not a feed: root element is <html>"));
    }

    private ServiceProvider BuildServices(Dictionary<string, string?> extra, Action<IServiceCollection>? replace = null)
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
        replace?.Invoke(services);
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

    /// <summary>
    /// The real correlator, recording the item ids of every batch it is given; <see cref="Failing"/> makes any call
    /// that includes that item fail, as a store error on its write would.
    /// </summary>
    private sealed class RecordingCorrelator(IIncidentCorrelator inner) : IIncidentCorrelator
    {
        public List<List<string>> Batches { get; } = [];

        public string? Failing { get; set; }

        public Task<IncidentDecision> CorrelateAsync(ClassifiedReport report, CancellationToken cancellationToken) =>
            report.ItemId == Failing ? throw new InvalidOperationException("disk I/O error") : inner.CorrelateAsync(report, cancellationToken);

        public Task<IReadOnlyList<IncidentDecision>> CorrelateAsync(IReadOnlyList<ClassifiedReport> reports, CancellationToken cancellationToken)
        {
            Batches.Add([.. reports.Select(r => r.ItemId)]);
            return reports.Any(r => r.ItemId == Failing)
                ? throw new InvalidOperationException("disk I/O error")
                : inner.CorrelateAsync(reports, cancellationToken);
        }

        public Task<IReadOnlyList<ReleasedAlert>> ReleaseDueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.ReleaseDueAsync(now, cancellationToken);

        public Task ConfirmReleasedAsync(string alertId, int version, CancellationToken cancellationToken) =>
            inner.ConfirmReleasedAsync(alertId, version, cancellationToken);

        public Task<CancelResult> CancelAsync(string alertId, string reason, CancellationToken cancellationToken) =>
            inner.CancelAsync(alertId, reason, cancellationToken);
    }
}
