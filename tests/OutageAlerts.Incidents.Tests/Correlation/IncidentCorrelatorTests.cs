using OutageAlerts.Contracts;
using OutageAlerts.Storage;

namespace OutageAlerts.Incidents.Tests.Correlation;

/// <summary>Multi-report scenarios through the real correlator and a real SQLite store.</summary>
public sealed class IncidentCorrelatorTests
{
    private static readonly DateTimeOffset T0 = Reports.Night;

    [Fact]
    public async Task CorrelateAsync_TollRisesAcrossThreeLanguages_OneAlertUpdatedWithWhatChanged()
    {
        await using var h = await CorrelatorHarness.StartAsync();

        var first = await h.ReceiveAsync(Reports.Make(
            "k1", "Missile hits apartment block in Kharkiv, three killed",
            "A missile struck a nine-storey building in the Saltivka district of Kharkiv before dawn, Governor Syniehubov said.",
            T0, "wire", killed: 3, injured: 8, place: Reports.KharkivCity));
        var second = await h.ReceiveAsync(Reports.Make(
            "k2", "Харків: кількість загиблих у Салтівці зросла до семи",
            "Рятувальники розбирають завали дев'ятиповерхівки на Салтівці, повідомив Синєгубов.",
            T0.AddHours(3), "ukr-desk", "uk", killed: 7, injured: 15, place: Reports.KharkivCity));
        var third = await h.ReceiveAsync(Reports.Make(
            "k3", "Харьков: число погибших на Салтовке достигло 11",
            "Спасатели завершили работы на Салтовке, сообщил Синегубов; пострадали 21 человек.",
            T0.AddHours(9), "ru-desk", "ru", severity: Severity.Extreme, killed: 11, injured: 21, place: Reports.KharkivCity));

        // The first report waits out its hold alone (nothing else arrives within 30 s), then goes out as version 1.
        Assert.Equal(IncidentOutcome.Held, first.Outcome);
        Assert.Equal((IncidentOutcome.Updated, IncidentOutcome.Updated), (second.Outcome, third.Outcome));
        Assert.Equal((first.IncidentId, first.IncidentId), (second.IncidentId, third.IncidentId));
        Assert.Equal(
            [(1, MsgType.Alert), (2, MsgType.Update), (3, MsgType.Update)],
            h.Published.Select(a => (a.Version, a.MsgType)));
        var update = h.Published[^1];
        Assert.Equal((Severity.Extreme, 11, 21), (update.Severity, update.Killed, update.Injured));
        Assert.Contains("killed 7 → 11", update.Changes);
        Assert.Contains("severity Severe → Extreme", update.Changes);
        Assert.Equal(
            [.. h.Published.Take(2).Select(v => $"outage-alerts,{v.AlertId}-v{v.Version},{v.Sent.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss}+00:00")],
            update.References);
        Assert.DoesNotContain(update.Changes, c => c.Contains(update.AlertId, StringComparison.Ordinal));
        Assert.Empty(h.Published[0].References);
        Assert.Equal(["k1", "k2", "k3"], update.Sources.Select(s => s.ItemId));
    }

    [Fact]
    public async Task CorrelateAsync_ReportJoinsAnIncidentWhoseReportsAreCachedForMatching_AlertKeepsTheirTexts()
    {
        await using var h = await CorrelatorHarness.StartAsync();
        string[] titles =
        [
            "Missile hits apartment block in Kharkiv, three killed",
            "Kharkiv toll rises to seven after missile strike on Saltivka block",
            "Kharkiv: eleven dead as rescuers finish at the Saltivka block",
        ];
        const string LastSummary = "Rescuers finished clearing the rubble of the nine-storey block in Saltivka, Governor Syniehubov said.";

        // By the third report, the first two reports' facts are in the correlator's cache as matching reads them.
        await h.ReceiveAsync(Reports.Make(
            "c1", titles[0], "A missile struck a nine-storey building in the Saltivka district of Kharkiv before dawn, Governor Syniehubov said.",
            T0, "wire", killed: 3, injured: 8, place: Reports.KharkivCity));
        await h.ReceiveAsync(Reports.Make(
            "c2", titles[1], "Rescuers are still searching the rubble of the Saltivka building in Kharkiv, Governor Syniehubov said.",
            T0.AddHours(3), "agency", killed: 7, injured: 15, place: Reports.KharkivCity));
        var third = await h.ReceiveAsync(Reports.Make(
            "c3", titles[2], LastSummary, T0.AddHours(9), "desk", severity: Severity.Extreme, killed: 11, injured: 21, place: Reports.KharkivCity));

        Assert.Equal(IncidentOutcome.Updated, third.Outcome);
        var update = h.Published[^1];
        Assert.Equal(titles, update.Sources.Select(s => s.Title));
        Assert.Equal(titles[2], update.Headline);
        Assert.StartsWith(LastSummary, update.Description, StringComparison.Ordinal);
        Assert.NotEmpty(update.Reasons);
        Assert.All(update.Reasons, r => Assert.False(string.IsNullOrWhiteSpace(r)));
    }

    [Fact]
    public async Task CorrelateAsync_TollRevisedDown_UpdateFollowsTheLatestReport()
    {
        await using var h = await CorrelatorHarness.StartAsync();

        await h.ReceiveAsync(Reports.Make(
            "r1", "Strike on Odesa port warehouse kills 12, officials say",
            "Drones hit a grain warehouse in the port of Odesa overnight; Governor Kiper said 12 workers died.",
            T0, severity: Severity.Extreme, region: "UA-51", targets: ["commercial", "transport"], killed: 12, place: Reports.Odesa));
        var revised = await h.ReceiveAsync(Reports.Make(
            "r2", "Odesa port strike: toll corrected to nine",
            "Kiper said three people first listed among the dead were found alive in hospital; nine died in the Odesa warehouse strike.",
            T0.AddHours(6), "agency", region: "UA-51", targets: ["commercial", "transport"], killed: 9, place: Reports.Odesa));

        Assert.Equal(IncidentOutcome.Updated, revised.Outcome);
        Assert.Equal(9, revised.Alert!.Killed);
        Assert.Contains("killed 12 → 9", revised.Alert.Changes);
        // Severity does not fall back: the alert stays at the highest level the incident reached.
        Assert.Equal(Severity.Extreme, revised.Alert.Severity);
    }

    [Fact]
    public async Task CorrelateAsync_NeighbouringOblastsBulletinsInOneTemplate_StayTwoAlerts()
    {
        // Regression: neighbouring oblast administrations word their bulletins alike; the same wording and the same
        // hour must not make two oblasts' strikes one incident when their gazetteer entries' circles overlap.
        await using var h = await CorrelatorHarness.StartAsync();
        var vinnytsia = new Classification.Place("Vinnytsia", "UA", "UA-05", 49.23, 28.47, 100);
        var khmelnytskyi = new Classification.Place("Khmelnytskyi", "UA", "UA-68", 49.42, 26.99, 100);

        var first = await h.ReceiveAsync(Reports.Make(
            "o1", "Vinnytsia region: a drone hit a boiler house overnight, two people killed",
            "According to the regional military administration, two people were killed and heating was cut to part of the town.",
            T0, "ova-feed", severity: Severity.Extreme, region: "UA-05", targets: ["heating"], killed: 2, place: vinnytsia));
        var second = await h.ReceiveAsync(Reports.Make(
            "o2", "Khmelnytskyi region: a drone hit a boiler house overnight, two people killed",
            "According to the regional military administration, two people were killed and heating was cut to part of the town.",
            T0.AddMinutes(20), "ova-feed", severity: Severity.Extreme, region: "UA-68", targets: ["heating"], killed: 2, place: khmelnytskyi));

        Assert.NotEqual(first.IncidentId, second.IncidentId);
        Assert.Equal(IncidentOutcome.New, second.Outcome);
    }

    [Fact]
    public async Task CorrelateAsync_TwoStrikesInOneCityHoursApart_StayTwoAlerts()
    {
        await using var h = await CorrelatorHarness.StartAsync();

        var school = await h.ReceiveAsync(Reports.Make(
            "c1", "Glide bomb hits school in Kharkiv's Kyivskyi district",
            "A guided bomb struck School No. 134 in Kharkiv in the morning; two teachers were injured, Mayor Terekhov said.",
            T0, targets: ["education"], injured: 2, severity: Severity.Severe, place: Reports.KharkivCity));
        var substation = await h.ReceiveAsync(Reports.Make(
            "c2", "Drones hit substation in Kharkiv's Industrialnyi district, 30,000 without power",
            "Ukrenergo said an evening drone attack damaged a substation in the Industrialnyi district of Kharkiv; no one was hurt.",
            T0.AddHours(10), targets: ["power_grid"], outage: 30_000, place: Reports.KharkivCity));

        Assert.NotEqual(school.IncidentId, substation.IncidentId);
        await h.AdvanceToAsync(T0.AddHours(11));
        Assert.Equal(2, h.Published.Select(a => a.AlertId).Distinct().Count());
    }

    [Fact]
    public async Task CorrelateAsync_NationwideRoundupAndOneRegionsReport_StaySeparate()
    {
        await using var h = await CorrelatorHarness.StartAsync();

        var regional = await h.ReceiveAsync(Reports.Make(
            "n1", "Lviv region: drones hit energy facility, Stryi district without power",
            "Governor Kozytskyi said a drone attack overnight set fire to an energy facility near Stryi.",
            T0, region: "UA-46", targets: ["power_grid"], severity: Severity.Severe));
        var roundup = await h.ReceiveAsync(Reports.Make(
            "n2", "Massive overnight attack on Ukraine's grid: emergency outages in eight regions",
            "Ukrenergo introduced emergency shutdowns in Lviv, Kyiv, Odesa and five other regions after missiles and drones hit energy facilities.",
            T0.AddHours(2), "agency", region: null, regions: ["UA-46", "UA-30", "UA-51"], targets: ["power_grid"], severity: Severity.Extreme));

        Assert.NotEqual(regional.IncidentId, roundup.IncidentId);
        Assert.Equal(IncidentOutcome.New, roundup.Outcome);
    }

    [Fact]
    public async Task CorrelateAsync_SyndicatedCopies_KeptAsSourcesWithoutMessages()
    {
        await using var h = await CorrelatorHarness.StartAsync(settings: new() { ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00" });
        const string Title = "Drone strike on Kupiansk market injures four";
        const string Summary = "A Russian drone hit the central market in Kupiansk on Tuesday, injuring four vendors, the regional administration said.";

        var original = await h.ReceiveAsync(Reports.Make("s1", Title, Summary, T0, "wire", severity: Severity.Moderate, targets: ["commercial"], injured: 4, place: Reports.Kupiansk));
        var copy = await h.ReceiveAsync(Reports.Make("s2", Title, Summary + " ", T0.AddMinutes(20), "portal-a", severity: Severity.Moderate, targets: ["commercial"], injured: 4, place: Reports.Kupiansk));
        var another = await h.ReceiveAsync(Reports.Make("s3", "Kupiansk market hit by drone: four hurt", Summary, T0.AddMinutes(40), "portal-b", severity: Severity.Moderate, targets: ["commercial"], injured: 4, place: Reports.Kupiansk));

        Assert.Equal(IncidentOutcome.New, original.Outcome);
        Assert.Equal((IncidentOutcome.Duplicate, IncidentOutcome.Duplicate), (copy.Outcome, another.Outcome));
        Assert.Equal((original.IncidentId, original.IncidentId), (copy.IncidentId, another.IncidentId));
        Assert.Single(h.Published);
    }

    [Fact]
    public async Task CorrelateAsync_OlderReportArrivesLate_FiguresStayWithTheLatestPublished()
    {
        await using var h = await CorrelatorHarness.StartAsync(settings: new() { ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00" });

        var newer = await h.ReceiveAsync(Reports.Make(
            "o2", "Sumy: toll from strike on bus rises to nine",
            "Nine passengers died after a missile hit a city bus in Sumy, Governor Hryhorov said.",
            T0.AddHours(5), "wire", targets: ["transport"], region: "UA-59", killed: 9, fetched: T0.AddHours(5)));
        var older = await h.ReceiveAsync(Reports.Make(
            "o1", "Суми: ракета влучила в автобус, загинули шестеро",
            "Удар по міському автобусу в Сумах забрав життя шести людей, повідомив Григоров.",
            T0.AddHours(1), "ukr-desk", "uk", targets: ["transport"], region: "UA-59", killed: 6, fetched: T0.AddHours(6)));

        Assert.Equal(newer.IncidentId, older.IncidentId);
        Assert.NotEqual(IncidentOutcome.New, older.Outcome);
        var last = h.Published[^1];
        Assert.Equal(9, last.Killed);
    }

    [Fact]
    public async Task CorrelateAsync_RestartInTheMiddle_NeitherRepeatsNorLosesMessages()
    {
        await using var h = await CorrelatorHarness.StartAsync();
        var k1 = Reports.Make("m1", "Kharkiv: missile hits residential block, two dead", "The strike on Saltivka killed two, Syniehubov said.", T0, killed: 2, place: Reports.KharkivCity);
        var k2 = Reports.Make("m2", "Kharkiv Saltivka strike: five dead", "Syniehubov said the Saltivka toll rose to five.", T0.AddHours(4), "agency", killed: 5, place: Reports.KharkivCity);
        var k3 = Reports.Make("m3", "Kharkiv Saltivka toll reaches eight", "Eight people died in Saltivka, Syniehubov said.", T0.AddHours(8), "third", killed: 8, place: Reports.KharkivCity);

        await h.ReceiveAsync(k1);
        await h.ReceiveAsync(k2);
        await h.RestartAsync();
        // Ingestion crashed before recording m2 as seen: it comes again and must yield the same message.
        var again = await h.Correlator.CorrelateAsync(k2, CancellationToken.None);
        var third = await h.ReceiveAsync(k3);

        Assert.Equal(h.Published[^2].AlertId, again.Alert!.AlertId);
        Assert.Equal(2, again.Alert.Version);
        Assert.Equal((IncidentOutcome.Updated, 3), (third.Outcome, third.Alert!.Version));
        Assert.Equal([1, 2, 3], h.Published.Select(a => a.Version));
        Assert.Single(h.Published.Select(a => a.AlertId).Distinct());
    }

    [Fact]
    public async Task CorrelateAsync_ModerateReport_HeldThenReleasedWithCorroboration()
    {
        await using var h = await CorrelatorHarness.StartAsync();

        var first = await h.ReceiveAsync(Reports.Make("h1", "Shelling damages houses in Kupiansk", "Two homes were damaged in Kupiansk, the administration said.", T0, severity: Severity.Moderate, injured: 1, place: Reports.Kupiansk, fetched: T0));
        var second = await h.ReceiveAsync(Reports.Make("h2", "Kupiansk: shelling injures one, damages homes", "A woman was hurt when shells hit homes in Kupiansk.", T0.AddSeconds(10), "agency", severity: Severity.Moderate, injured: 1, place: Reports.Kupiansk, fetched: T0.AddSeconds(10)));
        await h.AdvanceToAsync(T0.AddSeconds(29));
        var beforeHold = h.Published.Count;
        await h.AdvanceToAsync(T0.AddMinutes(1));

        Assert.Equal((IncidentOutcome.Held, IncidentOutcome.Held), (first.Outcome, second.Outcome));
        Assert.Equal(0, beforeHold);
        var released = Assert.Single(h.Published);
        Assert.Equal((1, MsgType.Alert, T0.AddSeconds(30)), (released.Version, released.MsgType, released.Sent));
        Assert.Equal(["h1", "h2"], released.Sources.Select(s => s.ItemId));
        Assert.Equal(Certainty.Likely, released.Certainty);
    }

    [Fact]
    public async Task CorrelateAsync_ExtremeReport_RaisedWithoutHold()
    {
        await using var h = await CorrelatorHarness.StartAsync();

        var decision = await h.ReceiveAsync(Reports.Make("x1", "Twelve killed in Kharkiv strike", "Twelve people died, Syniehubov said.", T0, severity: Severity.Extreme, killed: 12, fetched: T0));

        Assert.Equal(IncidentOutcome.New, decision.Outcome);
        Assert.Equal(T0, decision.Alert!.Sent);
    }

    [Fact]
    public async Task CorrelateAsync_UpdatesWithinTheMinimumInterval_DeferredUnlessSeverityRises()
    {
        await using var h = await CorrelatorHarness.StartAsync(settings: new() { ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00" });
        ClassifiedReport Toll(string id, int killed, int minutes, Severity severity, string feed) => Reports.Make(
            id, $"Kharkiv Saltivka strike: {killed} dead", $"Syniehubov gave a toll of {killed} for the Saltivka strike.",
            T0.AddMinutes(minutes), feed, severity: severity, killed: killed, place: Reports.KharkivCity, fetched: T0.AddMinutes(minutes));

        await h.ReceiveAsync(Toll("u1", 2, 0, Severity.Severe, "a"));
        var early = await h.ReceiveAsync(Toll("u2", 4, 1, Severity.Severe, "b"));
        var rise = await h.ReceiveAsync(Toll("u3", 10, 2, Severity.Extreme, "c"));
        var afterRise = await h.ReceiveAsync(Toll("u4", 11, 3, Severity.Extreme, "d"));
        await h.AdvanceToAsync(T0.AddMinutes(10));

        Assert.Equal(IncidentOutcome.Held, early.Outcome);
        Assert.Equal(IncidentOutcome.Updated, rise.Outcome);
        Assert.Equal(IncidentOutcome.Held, afterRise.Outcome);
        Assert.Equal([2, 10, 11], h.Published.Select(a => a.Killed!.Value));
        Assert.Equal(T0.AddMinutes(7), h.Published[^1].Sent);
    }

    [Fact]
    public async Task CancelAsync_PublishedAlert_CancelsAndSilencesLaterReports()
    {
        await using var h = await CorrelatorHarness.StartAsync(settings: new() { ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00" });
        var raised = await h.ReceiveAsync(Reports.Make("z1", "Kharkiv: strike on Saltivka, two dead", "Syniehubov said two died in Saltivka.", T0, killed: 2, place: Reports.KharkivCity));

        var result = await h.Correlator.CancelAsync(raised.IncidentId!, "hoax report", CancellationToken.None);
        var later = await h.ReceiveAsync(Reports.Make("z2", "Kharkiv Saltivka toll rises to four", "Syniehubov said four died in Saltivka.", T0.AddHours(2), "b", killed: 4, place: Reports.KharkivCity));
        var twice = await h.Correlator.CancelAsync(raised.IncidentId!, "again", CancellationToken.None);
        var unknown = await h.Correlator.CancelAsync("oa-000000000000", "nothing", CancellationToken.None);

        Assert.Equal(CancelOutcome.Cancelled, result.Outcome);
        var cancel = result.Alert!;
        Assert.Equal((2, MsgType.Cancel), (cancel.Version, cancel.MsgType));
        Assert.Equal(["cancelled: hoax report"], cancel.Changes);
        Assert.Equal([$"outage-alerts,{raised.IncidentId}-v1,2026-03-10T02:03:00+00:00"], cancel.References);
        Assert.Equal((IncidentOutcome.Duplicate, raised.IncidentId), (later.Outcome, later.IncidentId));
        Assert.Equal((CancelOutcome.AlreadyCancelled, 2), (twice.Outcome, twice.Alert!.Version));
        Assert.Equal(new CancelResult(CancelOutcome.Unknown, null), unknown);
    }

    [Fact]
    public async Task CancelAsync_StillHeld_CancelledWithoutAnyMessage()
    {
        await using var h = await CorrelatorHarness.StartAsync();
        var held = await h.ReceiveAsync(Reports.Make("y1", "Shelling damages houses in Kupiansk", "Two homes were damaged.", T0, severity: Severity.Moderate, place: Reports.Kupiansk, fetched: T0));

        var result = await h.Correlator.CancelAsync(held.IncidentId!, "duplicate of another alert", CancellationToken.None);
        await h.AdvanceToAsync(T0.AddHours(1));

        Assert.Equal(new CancelResult(CancelOutcome.CancelledBeforeAnnounced, null), result);
        Assert.Empty(h.Published);
    }

    [Fact]
    public async Task CorrelateAsync_AfterTheQuietPeriod_StartsANewIncident()
    {
        await using var h = await CorrelatorHarness.StartAsync(settings: new() { ["OutageAlerts:Incidents:QuietPeriod"] = "06:00:00" });
        var first = await h.ReceiveAsync(Reports.Make("q1", "Kharkiv: strike on Saltivka, two dead", "Syniehubov said two died in Saltivka.", T0, killed: 2, place: Reports.KharkivCity, fetched: T0));

        var late = await h.ReceiveAsync(Reports.Make("q2", "Kharkiv Saltivka toll rises to four", "Syniehubov said four died in Saltivka.", T0.AddHours(7), "b", killed: 4, place: Reports.KharkivCity, fetched: T0.AddHours(7)));

        Assert.NotEqual(first.IncidentId, late.IncidentId);
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task CorrelateAsync_TwoReplicasAtOnce_OneIncidentWithConsecutiveVersions(StoreProvider provider)
    {
        await using var h = await CorrelatorHarness.StartAsync(provider, new() { ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00", ["OutageAlerts:Incidents:MinUpdateInterval"] = "00:00:00" });
        await using var replica = h.BuildReplica();
        var other = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IIncidentCorrelator>(replica);
        var reports = Enumerable.Range(1, 8).Select(i => Reports.Make(
            $"p{i}", $"Kharkiv Saltivka strike: toll {i}", $"Syniehubov said {i} died in the Saltivka strike in Kharkiv.",
            T0.AddMinutes(i), $"feed-{i}", killed: i, place: Reports.KharkivCity, fetched: T0)).ToList();

        var decisions = await Task.WhenAll(reports.Select((r, i) => (i % 2 == 0 ? h.Correlator : other).CorrelateAsync(r, CancellationToken.None)));

        Assert.Single(decisions.Select(d => d.IncidentId).Distinct());
        var versions = decisions.Where(d => d.Alert is not null).Select(d => d.Alert!.Version).Order().ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
        Assert.Single(decisions, d => d.Outcome == IncidentOutcome.New);
    }
}
