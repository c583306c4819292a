using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Incidents.Persistence;
using OutageAlerts.Incidents.Tests.Correlation;
using OutageAlerts.Storage;
using OutageAlerts.Storage.Retention;

namespace OutageAlerts.Incidents.Tests.Persistence;

/// <summary>Incidents past the retention period deleted with their reports and versions, on both stores.</summary>
public sealed class IncidentRetentionTests
{
    private static readonly DateTimeOffset Old = Reports.Night.AddDays(-200);

    private static readonly Dictionary<string, string?> NoHolds = new()
    {
        ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00",
        ["OutageAlerts:Incidents:MinUpdateInterval"] = "00:00:00",
    };

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task PurgeAsync_IncidentsOlderThanTheCutoff_AreDeletedWithTheirReportsAndVersions(StoreProvider provider)
    {
        await using var h = await CorrelatorHarness.StartAsync(provider, NoHolds, Old);
        // Two old incidents, one of them updated by a second report.
        var kharkiv = await h.ReceiveAsync(Reports.Make(
            "o1", "Missile strike on Kharkiv substation, two killed", "Governor Syniehubov said two workers died at the substation.",
            Old, killed: 2, targets: ["power_grid"], place: Reports.KharkivCity));
        await h.ReceiveAsync(Reports.Make(
            "o2", "Kharkiv substation strike: toll rises to three", "Syniehubov said a third worker died in hospital.",
            Old.AddMinutes(30), "agency", killed: 3, targets: ["power_grid"], place: Reports.KharkivCity));
        await h.ReceiveAsync(Reports.Make(
            "o3", "Drone hits Odesa port warehouse", "Governor Kiper said drones struck a warehouse in the port of Odesa.",
            Old.AddHours(2), region: "UA-51", targets: ["commercial"], place: Reports.Odesa));
        // An old event first reported now (an archive found late): received after the cutoff, so kept.
        var late = await h.ReceiveAsync(Reports.Make(
            "l1", "Archive: strike on Kupiansk depot in spring", "A report published long ago reached the desk only now.",
            Old.AddDays(5), "archive", targets: ["transport"], place: Reports.Kupiansk, fetched: Reports.Night));
        var recent = await h.ReceiveAsync(Reports.Make(
            "n1", "Strike on Kharkiv thermal plant", "Syniehubov said a missile hit the thermal plant overnight.",
            Reports.Night.AddHours(1), targets: ["power_grid", "heating"], place: Reports.KharkivCity));
        await using var services = h.BuildReplica();
        var retention = Assert.Single(services.GetServices<IStoreRetention>(), r => r is IncidentRetention);
        var cutoff = Reports.Night.AddDays(-180);

        var first = await retention.PurgeAsync(cutoff, 1, CancellationToken.None);
        var rest = await retention.PurgeAsync(cutoff, 10, CancellationToken.None);
        var none = await retention.PurgeAsync(cutoff, 10, CancellationToken.None);

        // One incident per call at limit 1: Kharkiv's incident, two reports and two versions.
        Assert.Equal((5, 3, 0), (first, rest, none));
        await using var connection = await services.GetRequiredService<IStore>().OpenAsync(CancellationToken.None);
        Assert.Equal(
            [late.IncidentId!, recent.IncidentId!],
            (await connection.QueryAsync<string>("SELECT id FROM incidents ORDER BY id")).Order(StringComparer.Ordinal));
        Assert.Equal(2L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM incident_reports"));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM incident_versions WHERE alert_id = @id", new { id = kharkiv.IncidentId }));
        Assert.Equal(2L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM incident_versions"));
    }
}
