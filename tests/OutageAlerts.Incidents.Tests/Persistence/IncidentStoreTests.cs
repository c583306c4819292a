using System.Data.Common;
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
}
