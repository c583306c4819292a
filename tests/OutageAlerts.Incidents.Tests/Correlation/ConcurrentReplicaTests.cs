using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Contracts;
using OutageAlerts.Storage;

namespace OutageAlerts.Incidents.Tests.Correlation;

/// <summary>
/// Two replicas (two service providers, each with its own correlator and caches) on one database handling the same
/// reports at the same moment, as happens when a message is redelivered to another replica or two feeds carry the
/// same item: what keeps them apart is the database (lock, keys, transactions), nothing in process.
/// </summary>
public sealed class ConcurrentReplicaTests
{
    private static readonly DateTimeOffset T0 = Reports.Night;

    [Theory]
    [InlineData(StoreProvider.Postgres)]
    [InlineData(StoreProvider.Sqlite)]
    public async Task CorrelateAsync_SameReportsOnTwoReplicasAtOnce_OneIncidentAndEveryVersionStoredOnce(StoreProvider provider)
    {
        await using var h = await CorrelatorHarness.StartAsync(provider, new()
        {
            ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00",
            ["OutageAlerts:Incidents:MinUpdateInterval"] = "00:00:00",
        });
        await using var replica = h.BuildReplica();
        var correlators = new[] { h.Correlator, replica.GetRequiredService<IIncidentCorrelator>() };
        var reports = Enumerable.Range(1, 6).Select(i => Reports.Make(
            $"s{i}", $"Strike on Kharkiv substation: {i} killed", $"Governor Syniehubov said {i} people died after the strike on a Kharkiv substation.",
            T0.AddMinutes(i), $"feed-{i}", killed: i, targets: ["power_grid"], place: Reports.KharkivCity, fetched: T0)).ToList();

        // Every report to both replicas at once.
        var decisions = await Task.WhenAll(reports.SelectMany(r => correlators.Select(c => (Report: r, Task: c.CorrelateAsync(r, CancellationToken.None))))
            .Select(async x => (x.Report.ItemKey, Decision: await x.Task)));

        Assert.Single(decisions.Select(d => d.Decision.IncidentId).Distinct());
        // Both replicas answer each report alike: the second one sees the first one's decision and repeats it.
        foreach (var pair in decisions.GroupBy(d => d.ItemKey))
        {
            var answers = pair.Select(d => d.Decision.Alert is { } a ? JsonSerializer.Serialize(a) : d.Decision.Outcome.ToString()).Distinct().ToList();
            Assert.True(answers.Count == 1, $"{pair.Key} got different answers: {string.Join(" | ", answers)}");
        }

        var published = decisions.Select(d => d.Decision.Alert).OfType<Alert>().Select(a => (a.AlertId, a.Version)).Distinct().ToList();
        await using var connection = await replica.GetRequiredService<IStore>().OpenAsync();
        var stored = (await connection.QueryAsync<long>("SELECT version FROM incident_versions ORDER BY version")).ToList();
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(v => (long)v), stored);
        Assert.Equal(stored.Count, published.Count);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM incidents"));
        Assert.Equal(reports.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM incident_reports"));
    }

    [Theory]
    [InlineData(StoreProvider.Postgres)]
    [InlineData(StoreProvider.Sqlite)]
    public async Task CorrelateAsync_OverlappingBatchesOnTwoReplicasAtOnce_SameDecisionsAndEveryReportStoredOnce(StoreProvider provider)
    {
        // Two feeds carrying the same wire stories, polled by two replicas in the same instant: each replica correlates
        // its poll as one batch, and the batches share half their reports.
        await using var h = await CorrelatorHarness.StartAsync(provider, new()
        {
            ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00",
            ["OutageAlerts:Incidents:MinUpdateInterval"] = "00:00:00",
        });
        await using var replica = h.BuildReplica();
        var reports = Enumerable.Range(1, 9).Select(i => Reports.Make(
            $"w{i}", $"Strike on Kharkiv substation: {i} killed", $"Governor Syniehubov said {i} people died after the strike on a Kharkiv substation.",
            T0.AddMinutes(i), "wire", killed: i, targets: ["power_grid"], place: Reports.KharkivCity, fetched: T0)).ToList();
        var first = reports.Take(6).ToList();
        var second = reports.Skip(3).ToList();

        var results = await Task.WhenAll(
            h.Correlator.CorrelateAsync(first, CancellationToken.None),
            replica.GetRequiredService<IIncidentCorrelator>().CorrelateAsync(second, CancellationToken.None));

        var decisions = first.Zip(results[0]).Concat(second.Zip(results[1])).ToList();
        Assert.Single(decisions.Select(d => d.Second.IncidentId).Distinct());
        foreach (var pair in decisions.GroupBy(d => d.First.ItemKey))
        {
            var answers = pair.Select(d => d.Second.Alert is { } a ? JsonSerializer.Serialize(a) : d.Second.Outcome.ToString()).Distinct().ToList();
            Assert.True(answers.Count == 1, $"{pair.Key} got different answers: {string.Join(" | ", answers)}");
        }

        await using var connection = await replica.GetRequiredService<IStore>().OpenAsync();
        var stored = (await connection.QueryAsync<long>("SELECT version FROM incident_versions ORDER BY version")).ToList();
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(v => (long)v), stored);
        Assert.Equal(reports.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM incident_reports"));
    }

    [Theory]
    [InlineData(StoreProvider.Postgres)]
    [InlineData(StoreProvider.Sqlite)]
    public async Task ReleaseDueAsync_TwoReplicasAtOnce_ReleaseEachHeldMessageOnce(StoreProvider provider)
    {
        await using var h = await CorrelatorHarness.StartAsync(provider, new() { ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:30" });
        await using var replica = h.BuildReplica();
        var other = replica.GetRequiredService<IIncidentCorrelator>();
        var incidents = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            // Four unrelated incidents, each held for corroboration.
            var held = await h.ReceiveAsync(Reports.Make(
                $"h{i}", $"Drone hits {(i % 2 == 0 ? "Odesa" : "Kupiansk")} {new[] { "school", "market", "bus depot", "water station" }[i]}",
                $"Local officials reported damage to the {new[] { "school", "market", "bus depot", "water station" }[i]} after a drone attack.",
                T0.AddHours(i * 10), $"wire-{i}", injured: 2, severity: Severity.Moderate, place: i % 2 == 0 ? Reports.Odesa : Reports.Kupiansk,
                region: i % 2 == 0 ? "UA-51" : "UA-63", fetched: T0));
            Assert.Equal(IncidentOutcome.Held, held.Outcome);
            incidents.Add(held.IncidentId!);
        }

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        var now = h.Clock.GetUtcNow();
        var released = await Task.WhenAll(
            h.Correlator.ReleaseDueAsync(now, CancellationToken.None),
            other.ReleaseDueAsync(now, CancellationToken.None));

        var all = released.SelectMany(r => r).Select(r => (r.Alert.AlertId, r.Alert.Version)).ToList();
        // Each held incident's first message once, from one replica or the other.
        Assert.Equal(incidents.Order(StringComparer.Ordinal), all.Select(a => a.AlertId).Order(StringComparer.Ordinal));
        Assert.All(all, a => Assert.Equal(1, a.Version));
    }
}
