using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OutageAlerts.Classification;
using OutageAlerts.Contracts;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.Polling;
using OutageAlerts.Testing;

namespace OutageAlerts.Ingestion.Tests.Polling;

/// <summary>Runs alone: the ingestion Meter and ActivitySource are process-wide, other tests' polls would add to them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IngestionTelemetryTests
{
    public const string Name = "ingestion telemetry";
}

/// <summary>
/// What one poll reports through OpenTelemetry: classifications counted by decision, severity and target, and the
/// classification attributes on the item's span. Fetcher, parser, classifier and bus are substituted at their
/// boundaries; the store is real SQLite.
/// </summary>
[Collection(IngestionTelemetryTests.Name)]
public sealed class FeedPollerTelemetryTests : IAsyncLifetime
{
    private static readonly FeedOptions Feed = new() { Name = "telemetry-wire", Url = "https://example.org/telemetry.xml" };
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly TestStore _store = TestStore.Sqlite();
    private readonly IFeedFetcher _fetcher = Substitute.For<IFeedFetcher>();
    private readonly IFeedParser _parser = Substitute.For<IFeedParser>();
    private readonly IStrikeClassifier _classifier = Substitute.For<IStrikeClassifier>();
    private readonly IPublishEndpoint _bus = Substitute.For<IPublishEndpoint>();
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(_store.Settings) { ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00" };
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        services.AddIngestion(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton(_fetcher).AddSingleton(_parser).AddSingleton(_classifier).AddSingleton(_bus);
        _services = services.BuildServiceProvider();

        _fetcher.FetchAsync(Arg.Any<FetchRequest>(), Arg.Any<CancellationToken>())
            .Returns(new FetchResult { Status = FetchStatus.Ok, Url = Feed.ResolvedUrl!, Body = "<rss/>"u8.ToArray() });
        _parser.Parse(Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<string?>(), Arg.Any<Uri?>()).Returns(new ParsedFeed("rss20", "Wire", null, "en",
        [
            new FeedItem { Id = "plant", Title = "Strike on a thermal power plant", Summary = "plant", Published = Now.AddMinutes(-3) },
            new FeedItem { Id = "talks", Title = "Talks about a ceasefire", Summary = "talks", Published = Now.AddMinutes(-2) },
        ]));
        _classifier.Classify(Arg.Any<Report>()).Returns(call => call.Arg<Report>().Id == "plant"
            ? new Assessment
            {
                Alert = true,
                Severity = Severity.Severe,
                Urgency = Urgency.Immediate,
                Certainty = Certainty.Observed,
                Language = "en",
                Targets = ["power_grid", "heating"],
                Country = "UA",
                Region = "UA-63",
                Regions = ["UA-63"],
            }
            : new Assessment { Alert = false, Severity = Severity.None, Urgency = Urgency.Unknown, Certainty = Certainty.Unknown, Language = "en" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task PollAsync_AlertingItemWithTwoTargets_CountsOneClassificationPerTargetAndOneForTheNonAlert()
    {
        var measured = new List<(long Value, string Decision, string Severity, string Target)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == IngestionTelemetry.Name && instrument.Name == "outagealerts.classifications")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var byKey = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
            lock (measured)
            {
                measured.Add((value, byKey["outagealerts.classification.decision"]!, byKey["outagealerts.severity"]!, byKey["outagealerts.target"]!));
            }
        });
        listener.Start();

        await PollAsync();

        Assert.Equal(
            [(1L, "alert", "Severe", "heating"), (1L, "alert", "Severe", "power_grid"), (1L, "no_alert", "None", "none")],
            measured.OrderBy(m => m.Decision, StringComparer.Ordinal).ThenBy(m => m.Target, StringComparer.Ordinal));
    }

    [Fact]
    public async Task PollAsync_ItemsCorrelatedTogether_EachItemHasItsOwnCorrelationAndPublishUnderThePoll()
    {
        // Two alerting items two days apart (two incidents) and a non-alert between them, correlated in one batch.
        _parser.Parse(Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<string?>(), Arg.Any<Uri?>()).Returns(new ParsedFeed("rss20", "Wire", null, "en",
        [
            new FeedItem { Id = "plant", Title = "Strike on a thermal power plant", Summary = "plant", Published = Now.AddDays(-2) },
            new FeedItem { Id = "talks", Title = "Talks about a ceasefire", Summary = "talks", Published = Now.AddDays(-1) },
            new FeedItem { Id = "depot", Title = "Strike on a bus depot", Summary = "depot", Published = Now.AddMinutes(-2) },
        ]));
        _classifier.Classify(Arg.Any<Report>()).Returns(call => call.Arg<Report>().Id == "talks"
            ? new Assessment { Alert = false, Severity = Severity.None, Urgency = Urgency.Unknown, Certainty = Certainty.Unknown, Language = "en" }
            : new Assessment
            {
                Alert = true,
                Severity = Severity.Severe,
                Urgency = Urgency.Immediate,
                Certainty = Certainty.Observed,
                Language = "en",
                Targets = [call.Arg<Report>().Id == "plant" ? "power_grid" : "transport"],
                Country = "UA",
                Region = "UA-63",
                Regions = ["UA-63"],
            });
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is IngestionTelemetry.Name or Incidents.IncidentsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await PollAsync();

        var poll = Assert.Single(spans, s => s.DisplayName == $"poll {Feed.Name}");
        var items = spans.Where(s => s.DisplayName == "process item").ToDictionary(s => (string)s.GetTagItem("outagealerts.item.id")!);
        Assert.Equal(["depot", "plant", "talks"], items.Keys.Order(StringComparer.Ordinal));
        // Siblings under the poll, not each inside the one before.
        Assert.All(items.Values, item => Assert.Equal(poll.SpanId, item.ParentSpanId));
        foreach (var id in new[] { "plant", "depot" })
        {
            var item = items[id];
            var correlate = Assert.Single(spans, s => s.DisplayName == "correlate report" && s.ParentSpanId == item.SpanId);
            Assert.Equal($"id:telemetry-wire:{id}", correlate.GetTagItem("outagealerts.item.key"));
            Assert.Single(spans, s => s.DisplayName == "publish alert" && s.ParentSpanId == item.SpanId);
            Assert.Equal("New", item.GetTagItem("outagealerts.incident.decision"));
        }

        Assert.Equal("Ignored", items["talks"].GetTagItem("outagealerts.incident.decision"));
        Assert.DoesNotContain(spans, s => s.DisplayName is "correlate report" or "publish alert" && s.ParentSpanId == items["talks"].SpanId);
    }

    [Fact]
    public async Task PollAsync_AlertingItem_ItemSpanCarriesDecisionSeverityTargetsRegionAndIncidentDecision()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IngestionTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await PollAsync();

        var plant = Assert.Single(spans, s => s.DisplayName == "process item" && Equals(s.GetTagItem("outagealerts.item.id"), "plant"));
        Assert.Equal("alert", plant.GetTagItem("outagealerts.classification.decision"));
        Assert.Equal("Severe", plant.GetTagItem("outagealerts.classification.severity"));
        Assert.Equal("power_grid,heating", plant.GetTagItem("outagealerts.classification.targets"));
        Assert.Equal("UA-63", plant.GetTagItem("outagealerts.classification.region"));
        Assert.Equal("New", plant.GetTagItem("outagealerts.incident.decision"));
        var talks = Assert.Single(spans, s => s.DisplayName == "process item" && Equals(s.GetTagItem("outagealerts.item.id"), "talks"));
        Assert.Equal("no_alert", talks.GetTagItem("outagealerts.classification.decision"));
        Assert.Equal("Ignored", talks.GetTagItem("outagealerts.incident.decision"));
    }

    private async Task PollAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FeedPoller>().PollAsync(Feed, CancellationToken.None);
    }
}
