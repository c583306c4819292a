using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Correlation;
using OutageAlerts.Incidents.Persistence;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.Incidents.Tests.Persistence;

public sealed class IncidentStoreTests
{
    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task InsertVersionAsync_SameAlertVersionTwice_RejectedByTheDatabase(StoreProvider provider)
    {
        await using var testStore = await TestStore.CreateAsync(provider);
        await using var services = testStore.BuildServices(s => s.AddStoreMigration(IncidentStore.MigrationId, IncidentStore.Schema).AddStoreMigration(IncidentStore.ReleaseMigrationId, IncidentStore.ReleaseSchema));
        var store = new IncidentStore(services.GetRequiredService<IStore>());
        var now = Reports.Night;
        var alert = IncidentSnapshot.Build([ReportFacts.From(Reports.Make("v1", "t", "s", now))]).ToAlert("oa-1", 1, MsgType.Alert, now, [], []);
        await store.InTransactionAsync(
            async session =>
            {
                await session.InsertIncidentAsync(new IncidentRecord
                {
                    Id = "oa-1", Status = IncidentStatus.Open, FirstPublished = now, LastPublished = now, LastActivity = now, Version = 1, CreatedAt = now,
                });
                await session.InsertVersionAsync(alert);
                return 0;
            },
            CancellationToken.None);

        await Assert.ThrowsAnyAsync<DbException>(() => store.InTransactionAsync(
            async session =>
            {
                await session.InsertVersionAsync(alert with { Headline = "a second version 1" });
                return 0;
            },
            CancellationToken.None));
        Assert.Equal("t", Assert.Single(await store.VersionsAsync("oa-1", CancellationToken.None)).Headline);
    }

    [Fact]
    public async Task FindCandidatesAsync_OnSqlite_SeeksThePublishedIndexNotTheActivityIndex()
    {
        // Regression (issue 10): SQLite chose ix_incidents_activity, and under load every incident is recently active,
        // so each report read every open incident from the table.
        await using var testStore = TestStore.Sqlite();
        await using var services = testStore.BuildServices(AllMigrations);
        await using var connection = await services.GetRequiredService<IStore>().OpenAsync();
        var rows = await connection.QueryAsync("EXPLAIN QUERY PLAN " + IncidentSession.CandidatesSql, new { from = 1L, to = 2L, lastBefore = 3L, openSince = 0L });
        var plan = string.Join("; ", rows.Select(r => (string)((IDictionary<string, object>)r)["detail"]));

        // Both ends of the range: with only the lower one, a report older than most incidents ranged over all of them.
        Assert.Contains("USING INDEX ix_incidents_published (last_published>? AND last_published<?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("ix_incidents_activity", plan, StringComparison.Ordinal);
        // Regression (issue 10): the report keys came from the table, a page of facts each.
        Assert.Contains("USING COVERING INDEX ix_incident_reports_incident_key (incident_id=?)", plan, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task Migrations_All_DropTheUnreadActivityIndexAndKeepTheOthers(StoreProvider provider)
    {
        // Regression (issue 10): an index no query reads still costs a page write for every incident written.
        await using var testStore = await TestStore.CreateAsync(provider);
        await using var services = testStore.BuildServices(AllMigrations);
        await using var connection = await services.GetRequiredService<IStore>().OpenAsync();
        var indexes = (await connection.QueryAsync<string>(provider == StoreProvider.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incidents'"
            : "SELECT indexname FROM pg_indexes WHERE tablename = 'incidents'")).ToList();

        Assert.DoesNotContain("ix_incidents_activity", indexes);
        Assert.Contains("ix_incidents_published", indexes);
        Assert.Contains("ix_incidents_due", indexes);
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task FindCandidatesAsync_ManyRecentlyActiveIncidents_ReturnsOnlyThoseOverlappingTheWindowAndOpen(StoreProvider provider)
    {
        await using var testStore = await TestStore.CreateAsync(provider);
        await using var services = testStore.BuildServices(AllMigrations);
        var store = new IncidentStore(services.GetRequiredService<IStore>());
        var now = Reports.Night;
        IncidentRecord Incident(string id, DateTimeOffset first, DateTimeOffset last, DateTimeOffset activity) => new()
        {
            Id = id, Status = IncidentStatus.Open, FirstPublished = first, LastPublished = last, LastActivity = activity, Version = 1, CreatedAt = activity,
        };

        var found = await store.InTransactionAsync(
            async session =>
            {
                await session.InsertIncidentAsync(Incident("in-window", now.AddHours(-3), now.AddHours(-1), now));
                await session.InsertIncidentAsync(Incident("spans-window", now.AddDays(-2), now.AddDays(2), now));
                await session.InsertIncidentAsync(Incident("published-before", now.AddDays(-9), now.AddDays(-8), now));
                await session.InsertIncidentAsync(Incident("published-after", now.AddDays(8), now.AddDays(9), now));
                await session.InsertIncidentAsync(Incident("quiet", now.AddHours(-2), now.AddHours(-2), now.AddDays(-5)));
                return await session.FindCandidatesAsync(now.AddDays(-1), now.AddHours(-30), now.AddHours(30), TimeSpan.FromDays(5));
            },
            CancellationToken.None);

        Assert.Equal(["in-window", "spans-window"], found.Select(i => i.Id).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task FindCandidatesAsync_ReportOlderThanMostIncidents_ReturnsThoseItCouldJoinUpToTheLongestSpan(StoreProvider provider)
    {
        // Regression (issue 10): the candidate range had no upper end, so a report published before most incidents
        // (a backfill) read the index entry of every later incident.
        await using var testStore = await TestStore.CreateAsync(provider);
        await using var services = testStore.BuildServices(AllMigrations);
        var store = new IncidentStore(services.GetRequiredService<IStore>());
        var now = Reports.Night;
        var window = TimeSpan.FromHours(30);
        var maxSpan = TimeSpan.FromHours(72);
        var to = now + window;
        IncidentRecord Incident(string id, DateTimeOffset first, DateTimeOffset last) => new()
        {
            Id = id, Status = IncidentStatus.Open, FirstPublished = first, LastPublished = last, LastActivity = now, Version = 1, CreatedAt = now,
        };

        var found = await store.InTransactionAsync(
            async session =>
            {
                await session.InsertIncidentAsync(Incident("starts-at-window-end-longest-span", to, to + maxSpan));
                await session.InsertIncidentAsync(Incident("starts-in-window-too-long", to.AddHours(-1), to + maxSpan + TimeSpan.FromMinutes(1)));
                for (var day = 1; day <= 20; day++)
                {
                    await session.InsertIncidentAsync(Incident($"later-{day}", now.AddDays(2 * day), now.AddDays((2 * day) + 1)));
                }

                return await session.FindCandidatesAsync(now.AddDays(-1), now - window, to, maxSpan);
            },
            CancellationToken.None);

        // The second spans longer than the matcher lets an incident grow, so no report can join it anyway.
        Assert.Equal(["starts-at-window-end-longest-span"], found.Select(i => i.Id));
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task FindCandidatesAsync_IncidentsWithReports_ReturnsEachCandidatesReportsInStoredOrder(StoreProvider provider)
    {
        await using var testStore = await TestStore.CreateAsync(provider);
        await using var services = testStore.BuildServices(AllMigrations);
        var store = new IncidentStore(services.GetRequiredService<IStore>());
        var now = Reports.Night;
        var (openSince, from, to, maxSpan) = (now.AddDays(-1), now.AddHours(-30), now.AddHours(30), TimeSpan.FromDays(5));
        IncidentRecord Incident(string id, DateTimeOffset first, DateTimeOffset last, DateTimeOffset activity) => new()
        {
            Id = id, Status = IncidentStatus.Open, FirstPublished = first, LastPublished = last, LastActivity = activity, Version = 1, CreatedAt = activity,
        };
        ReportFacts Facts(string key, DateTimeOffset published) => ReportFacts.From(Reports.Make(key, $"Strike report {key}", "text", published));

        var (byTerms, byIds) = await store.InTransactionAsync(
            async session =>
            {
                await session.InsertIncidentAsync(Incident("in-window", now.AddHours(-3), now.AddHours(-1), now));
                await session.InsertIncidentAsync(Incident("spans-window", now.AddDays(-2), now.AddDays(2), now));
                await session.InsertIncidentAsync(Incident("published-before", now.AddDays(-9), now.AddDays(-8), now));
                await session.InsertIncidentAsync(Incident("quiet", now.AddHours(-2), now.AddHours(-2), now.AddDays(-5)));
                // Stored out of key order, so the order they were stored in is the one to keep.
                foreach (var (incident, key) in new[] { ("in-window", "r3"), ("spans-window", "r1"), ("in-window", "r1"), ("quiet", "r9"), ("published-before", "r7"), ("in-window", "r2") })
                {
                    await session.InsertReportAsync(incident, Facts($"{incident}/{key}", now.AddHours(-2)), IncidentOutcome.New, null, now);
                }

                await session.InsertIncidentAsync(Incident("no-reports-yet", now.AddHours(-1), now.AddHours(-1), now));
                var candidates = await session.FindCandidatesAsync(openSince, from, to, maxSpan);
                return (candidates.ToDictionary(c => c.Id), await session.LoadReportsAsync([.. candidates.Select(c => c.Id)]));
            },
            CancellationToken.None);

        Assert.Equal(["in-window", "no-reports-yet", "spans-window"], byTerms.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["wire:in-window/r3", "wire:in-window/r1", "wire:in-window/r2"], byTerms["in-window"].Reports.Select(f => f.ItemKey));
        Assert.Equal(["wire:spans-window/r1"], byTerms["spans-window"].Reports.Select(f => f.ItemKey));
        Assert.Empty(byTerms["no-reports-yet"].Reports);
        Assert.Equal(now.AddHours(-1), byTerms["in-window"].LastPublished);
        Assert.All(byIds, pair => Assert.Equal(pair.Value.Select(f => f.ItemKey), byTerms[pair.Key].Reports.Select(f => f.ItemKey)));
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task FindCandidatesAsync_MoreUnparsedReportsThanTheByKeyLimit_ReadsEveryCandidatesFactsFromTheStore(StoreProvider provider)
    {
        await using var testStore = await TestStore.CreateAsync(provider);
        await using var services = testStore.BuildServices(AllMigrations);
        var now = Reports.Night;
        var (openSince, from, to, maxSpan) = (now.AddDays(-1), now.AddHours(-30), now.AddHours(30), TimeSpan.FromDays(5));
        var count = IncidentSession.FactsByKeyLimit + 20;
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        await new IncidentStore(services.GetRequiredService<IStore>()).InTransactionAsync(
            async session =>
            {
                for (var i = 0; i < count; i++)
                {
                    var id = $"inc-{i:d4}";
                    var published = now.AddMinutes(-i);
                    await session.InsertIncidentAsync(new IncidentRecord
                    {
                        Id = id, Status = IncidentStatus.Open, FirstPublished = published, LastPublished = published, LastActivity = now, Version = 1, CreatedAt = now,
                    });
                    var facts = ReportFacts.From(Reports.Make($"r{i}", $"Drone strike on substation {i} near Kharkiv, {i + 10} homes without power", "text", published));
                    await session.InsertReportAsync(id, facts, IncidentOutcome.New, null, now);
                    written[id] = JsonSerializer.Serialize(facts, IncidentStore.Json);
                }

                return 0;
            },
            CancellationToken.None);

        // A store of its own, as after a restart: none of the facts parsed yet.
        var restarted = new IncidentStore(services.GetRequiredService<IStore>());
        var candidates = await restarted.InTransactionAsync(
            session => session.FindCandidatesAsync(openSince, from, to, maxSpan),
            CancellationToken.None);

        Assert.Equal(written.Keys.Order(StringComparer.Ordinal), candidates.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.All(candidates, c => Assert.Equal(written[c.Id], JsonSerializer.Serialize(Assert.Single(c.Reports), IncidentStore.Json)));
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task InsertReportAsync_UkrainianReport_StoresItsTextAsUtf8NotEscapes(StoreProvider provider)
    {
        await using var testStore = await TestStore.CreateAsync(provider);
        await using var services = testStore.BuildServices(AllMigrations);
        var store = new IncidentStore(services.GetRequiredService<IStore>());
        var now = Reports.Night;
        const string Title = "Удар по ТЕЦ у Харкові: без тепла понад сто тисяч споживачів";
        var facts = ReportFacts.From(Reports.Make("uk-1", Title, "Вночі ракета влучила в ТЕЦ.", now));

        await store.InTransactionAsync(
            async session =>
            {
                await session.InsertIncidentAsync(new IncidentRecord
                {
                    Id = "inc-uk", Status = IncidentStatus.Open, FirstPublished = now, LastPublished = now, LastActivity = now, Version = 1, CreatedAt = now,
                });
                await session.InsertReportAsync("inc-uk", facts, IncidentOutcome.New, null, now);
                return 0;
            },
            CancellationToken.None);

        await using var connection = await services.GetRequiredService<IStore>().OpenAsync();
        var stored = await connection.ExecuteScalarAsync<string>("SELECT facts FROM incident_reports WHERE incident_id = 'inc-uk'");
        Assert.Contains(Title, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u04", stored, StringComparison.Ordinal);
        Assert.Equal(Title, JsonSerializer.Deserialize<ReportFacts>(stored!, IncidentStore.Json)!.Title);
    }

    private static void AllMigrations(IServiceCollection services) => services
        .AddStoreMigration(IncidentStore.MigrationId, IncidentStore.Schema)
        .AddStoreMigration(IncidentStore.ReleaseMigrationId, IncidentStore.ReleaseSchema)
        .AddStoreMigration(IncidentStore.CandidatesIndexMigrationId, IncidentStore.CandidatesIndexSchema)
        .AddStoreMigration(IncidentStore.PublishedIndexMigrationId, IncidentStore.PublishedIndexSchema)
        .AddStoreMigration(IncidentStore.ActivityIndexMigrationId, IncidentStore.ActivityIndexSchema)
        .AddStoreMigration(IncidentStore.ReportKeysIndexMigrationId, IncidentStore.ReportKeysIndexSchema);
}
