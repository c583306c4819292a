using System.Diagnostics;
using System.Diagnostics.Metrics;
using OutageAlerts.Contracts;
using OutageAlerts.Storage;

namespace OutageAlerts.Incidents.Tests.Correlation;

/// <summary>Runs alone: the store's Meter is process-wide, other tests' writes would add to the count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StoreWriteCountTests
{
    public const string Name = "store write count";
}

/// <summary>
/// Reports correlated together (a poll's burst of new items) against the same reports one after another: the
/// decisions must not depend on how they were grouped, only the number of transactions may.
/// </summary>
[Collection(StoreWriteCountTests.Name)]
public sealed class BatchCorrelationTests
{
    private static readonly DateTimeOffset T0 = Reports.Night;

    private static readonly Dictionary<string, string?> NoHolds = new()
    {
        ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00",
        ["OutageAlerts:Incidents:MinUpdateInterval"] = "00:00:00",
    };

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task CorrelateAsync_Batch_DecidesAsOneReportAfterAnother(StoreProvider provider)
    {
        var reports = Burst();
        await using var single = await CorrelatorHarness.StartAsync(provider, NoHolds, T0.AddHours(1));
        await using var batched = await CorrelatorHarness.StartAsync(provider, NoHolds, T0.AddHours(1));

        var expected = new List<IncidentDecision>();
        foreach (var report in reports)
        {
            expected.Add(await single.Correlator.CorrelateAsync(report, CancellationToken.None));
        }

        var actual = await batched.Correlator.CorrelateAsync(reports, CancellationToken.None);

        Assert.Equal(expected.Select(Summary), actual.Select(Summary));
        // Not a trivial sequence: a new incident, a report joining it within the batch, a repeat, an ignored item
        // and a second incident.
        Assert.Equal(
            [IncidentOutcome.New, IncidentOutcome.Updated, IncidentOutcome.Ignored, IncidentOutcome.Updated, IncidentOutcome.New],
            actual.Select(d => d.Outcome));
        Assert.Equal(actual[0].IncidentId, actual[1].IncidentId);
        Assert.NotEqual(actual[0].IncidentId, actual[4].IncidentId);
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task CorrelateAsync_BatchAgain_AnswersEveryReportAsTheFirstTime(StoreProvider provider)
    {
        // A crash after the batch committed and before its items were recorded as seen: the next poll sends it again.
        await using var h = await CorrelatorHarness.StartAsync(provider, NoHolds, T0.AddHours(1));
        var reports = Burst();

        var first = await h.Correlator.CorrelateAsync(reports, CancellationToken.None);
        var again = await h.Correlator.CorrelateAsync(reports, CancellationToken.None);

        Assert.Equal(first.Select(Summary), again.Select(Summary));
    }

    [Fact]
    public async Task CorrelateAsync_Batch_IsOneWriteOfTheStore()
    {
        await using var h = await CorrelatorHarness.StartAsync(StoreProvider.Sqlite, NoHolds, T0.AddHours(1));
        // Migrations and the first open happen before counting.
        await h.Correlator.CorrelateAsync(Reports.Make("warm", "Strike on Kupiansk depot", "A depot in Kupiansk was hit.", T0.AddDays(-3), place: Reports.Kupiansk), CancellationToken.None);
        using var writes = new WriteCounter();

        await h.Correlator.CorrelateAsync(Burst(), CancellationToken.None);

        Assert.Equal(1, writes.Writes);
    }

    [Fact]
    public async Task CorrelateAsync_Batch_EachReportsSpanUnderItsOwnParent()
    {
        await using var h = await CorrelatorHarness.StartAsync(StoreProvider.Sqlite, NoHolds, T0.AddHours(1));
        using var source = new ActivitySource("OutageAlerts.Incidents.Tests.Batch");
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name || s.Name == IncidentsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var reports = Burst();
        var parents = reports.Select(_ => source.StartActivity("process item")!).ToList();
        foreach (var parent in parents)
        {
            parent.Stop();
        }

        await h.Correlator.CorrelateAsync([.. reports.Select((r, i) => r with { ParentSpan = parents[i].Context })], CancellationToken.None);

        var correlations = spans.Where(s => s.DisplayName == "correlate report").ToList();
        // The ignored item is not correlated, so it has no span.
        Assert.Equal(4, correlations.Count);
        foreach (var (report, parent) in reports.Zip(parents).Where(x => x.First.Assessment.Alert))
        {
            var span = Assert.Single(correlations, s => s.ParentSpanId == parent.SpanId);
            Assert.Equal((parent.TraceId, report.ItemKey), (span.TraceId, span.GetTagItem("outagealerts.item.key")));
        }
    }

    /// <summary>Five items of one poll, oldest first.</summary>
    private static List<ClassifiedReport> Burst()
    {
        var strike = Reports.Make(
            "b1", "Missile strike on Kharkiv thermal plant, two killed",
            "Governor Syniehubov said a missile hit the Kharkiv thermal power plant at night; two workers died.",
            T0, targets: ["power_grid", "heating"], killed: 2, place: Reports.KharkivCity);
        var update = Reports.Make(
            "b2", "Kharkiv thermal plant strike: toll rises to four",
            "Syniehubov said four workers died after the missile hit the Kharkiv thermal power plant.",
            T0.AddMinutes(20), "agency", targets: ["power_grid", "heating"], killed: 4, place: Reports.KharkivCity);
        var other = Reports.Make(
            "b3", "City council debates the budget", "The council met to discuss next year's budget.",
            T0.AddMinutes(25), alert: false);
        var odesa = Reports.Make(
            "b4", "Drone hits Odesa port grain terminal",
            "Governor Kiper said drones struck a grain terminal in the port of Odesa; nobody was hurt.",
            T0.AddMinutes(30), region: "UA-51", targets: ["commercial"], place: Reports.Odesa);
        // The second report's item again (the agency's story listed twice on the page).
        return [strike, update, other, update, odesa];
    }

    private static (IncidentOutcome, string?, int?, MsgType?, string?) Summary(IncidentDecision d) =>
        (d.Outcome, d.IncidentId, d.Alert?.Version, d.Alert?.MsgType, d.Alert is { } a ? string.Join(',', a.Sources.Select(s => s.ItemId)) : null);

    /// <summary>Counts the writes the SQLite writer commits, from the store's own histogram.</summary>
    private sealed class WriteCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _writes;

        public WriteCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == StoreTelemetry.Name && instrument.Name == "outagealerts.store.write.batch")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, value, _, _) => Interlocked.Add(ref _writes, value));
            _listener.Start();
        }

        public int Writes => Volatile.Read(ref _writes);

        public void Dispose() => _listener.Dispose();
    }
}
