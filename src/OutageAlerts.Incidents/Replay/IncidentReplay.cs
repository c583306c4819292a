using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OutageAlerts.Classification;
using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Correlation;
using OutageAlerts.Incidents.Persistence;
using OutageAlerts.Storage;

namespace OutageAlerts.Incidents.Replay;

/// <summary>
/// Runs the real correlation over a batch of classified reports as if they arrived live, in <c>published</c> order,
/// on a simulated clock (so holds and update intervals elapse in report time) over a throw-away SQLite store, and
/// returns every message that would have been published, in order; messages still held at the end are flushed.
/// </summary>
public static class IncidentReplay
{
    public const string DefaultFeed = "replay";

    public static async Task<IReadOnlyList<Alert>> RunAsync(
        IEnumerable<ClassifiedReport> reports,
        IncidentOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var ordered = reports
            .Select((report, index) => (Report: report, Index: index))
            // Undated items go last (stable), at the time of the last dated one.
            .OrderBy(x => x.Report.Report.Published is null)
            .ThenBy(x => x.Report.Report.Published)
            .ThenBy(x => x.Index)
            .Select(x => x.Report)
            .ToList();
        if (ordered.Count == 0)
        {
            return [];
        }

        var directory = Directory.CreateTempSubdirectory("outage-alerts-replay-");
        try
        {
            var clock = new ReplayClock(ordered[0].Report.Published ?? ordered[0].FetchedAt);
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["OutageAlerts:Store:Provider"] = nameof(StoreProvider.Sqlite),
                    ["ConnectionStrings:OutageAlerts"] = $"Data Source={Path.Combine(directory.FullName, "replay.db")}",
                })
                .Build();
            var services = new ServiceCollection()
                .AddLogging()
                .AddStore(configuration)
                .AddStoreMigration(IncidentStore.MigrationId, IncidentStore.Schema)
                .AddStoreMigration(IncidentStore.ReleaseMigrationId, IncidentStore.ReleaseSchema);
            await using var provider = services.BuildServiceProvider();
            var store = new IncidentStore(provider.GetRequiredService<IStore>());
            var correlator = new IncidentCorrelator(store, Options.Create(options ?? new IncidentOptions()), clock, NullLogger<IncidentCorrelator>.Instance);

            var alerts = new List<Alert>();
            foreach (var report in ordered)
            {
                var at = report.Report.Published ?? clock.GetUtcNow();
                await ReleaseUntilAsync(store, correlator, clock, at, alerts, cancellationToken);
                clock.MoveTo(at);
                var decision = await correlator.CorrelateAsync(report with { FetchedAt = clock.GetUtcNow() }, cancellationToken);
                if (decision.Alert is { } alert)
                {
                    alerts.Add(alert);
                }
            }

            await ReleaseUntilAsync(store, correlator, clock, DateTimeOffset.MaxValue, alerts, cancellationToken);
            return alerts;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Wraps a classified item of a replay file; the item's <c>source</c> label stands for the feed.</summary>
    public static ClassifiedReport ToClassified(Report report, Assessment assessment)
    {
        ArgumentNullException.ThrowIfNull(report);
        var feed = string.IsNullOrWhiteSpace(report.Source) ? DefaultFeed : report.Source;
        return new ClassifiedReport(
            feed,
            $"{feed}:{report.Id}",
            report.Id,
            null,
            report,
            assessment,
            report.Published ?? DateTimeOffset.UnixEpoch);
    }

    private static async Task ReleaseUntilAsync(
        IncidentStore store,
        IncidentCorrelator correlator,
        ReplayClock clock,
        DateTimeOffset until,
        List<Alert> alerts,
        CancellationToken cancellationToken)
    {
        while (await store.NextDueAsync(cancellationToken) is { } due && due <= until)
        {
            clock.MoveTo(due);
            foreach (var released in await correlator.ReleaseDueAsync(clock.GetUtcNow(), cancellationToken))
            {
                alerts.Add(released.Alert);
                await correlator.ConfirmReleasedAsync(released.Alert.AlertId, released.Alert.Version, cancellationToken);
            }
        }
    }
}
