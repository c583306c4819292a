using Dapper;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.Delivery.Tests.Log;

public sealed class DeliveryLogQueryTests
{
    [Fact]
    public async Task CountRoutedSinceAsync_OnSqlite_ReadsTheLastHourByTimeNotEveryRowByStatus()
    {
        // Regression (issue 10): SQLite chose ix_delivery_log_status for the equality on status, which read every
        // pending or delivered row ever logged on each capped alert; a month of deliveries made routing slower by the day.
        await using var services = DeliveryServices.Create(new Dictionary<string, string?>());
        await using var connection = await services.Get<IStore>().OpenAsync();
        var rows = await connection.QueryAsync(
            "EXPLAIN QUERY PLAN " + DeliveryLog.RoutedSinceSql, new { Since = 0L, Pending = "Pending", Delivered = "Delivered" });
        var plan = string.Join("; ", rows.Select(r => (string)((IDictionary<string, object>)r)["detail"]));

        Assert.Contains("USING INDEX ix_delivery_log_recipient (created_at>?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("ix_delivery_log_status", plan, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task CountRoutedSinceAsync_MixedStatusesAndAges_CountsPendingAndDeliveredOfTheWindowPerRecipient(StoreProvider provider)
    {
        // On PostgreSQL too: a first version of the query compared "+status", which SQLite accepts and PostgreSQL
        // rejects for text, and every capped alert failed to route there (found by the store fault test).
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = DeliveryServices.Create(new Dictionary<string, string?>(store.Settings));
        var log = services.Get<DeliveryLog>();
        var ct = CancellationToken.None;
        const string Ana = "ana@example.org";
        const string Bo = "bo@example.org";

        // Two hours ago: outside the window whatever its status.
        await log.RecordRoutedAsync(new DeliveryKey("oa-old", 1, "s1"), DeliveryChannel.Email, Ana, AlertEventKind.Raised, ct);
        services.Time.Advance(TimeSpan.FromHours(2));
        var windowStart = services.Time.GetUtcNow() - RoutingPolicy.CapWindow;

        await log.RecordRoutedAsync(new DeliveryKey("oa-1", 1, "s1"), DeliveryChannel.Email, Ana, AlertEventKind.Raised, ct);
        await log.RecordRoutedAsync(new DeliveryKey("oa-2", 1, "s1"), DeliveryChannel.Email, Ana, AlertEventKind.Raised, ct);
        await log.MarkDeliveredAsync(new DeliveryKey("oa-2", 1, "s1"), ct);
        await log.RecordSuppressedAsync(new DeliveryKey("oa-3", 1, "s1"), DeliveryChannel.Email, Ana, AlertEventKind.Raised, "silenced", ct);
        await log.RecordRoutedAsync(new DeliveryKey("oa-1", 1, "s2"), DeliveryChannel.Email, Bo, AlertEventKind.Raised, ct);
        await log.RecordRoutedAsync(new DeliveryKey("oa-1", 1, "s3"), DeliveryChannel.Sms, "+380441234567", AlertEventKind.Raised, ct);

        var counts = await log.CountRoutedSinceAsync(windowStart, ct);

        Assert.Equal(2, counts[(DeliveryChannel.Email, Ana)]);
        Assert.Equal(1, counts[(DeliveryChannel.Email, Bo)]);
        Assert.Equal(1, counts[(DeliveryChannel.Sms, "+380441234567")]);
        Assert.Equal(3, counts.Count);
    }
}
