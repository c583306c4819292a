using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Admin;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>A subscription created through the admin API, with its revision for optimistic concurrency.</summary>
public sealed record StoredSubscription(Subscription Subscription, long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Subscriptions created through the admin API, kept in the store as JSON (secret included: the webhook sender needs
/// it) with a revision that grows by one on every change. <see cref="ListCachedAsync"/> is what routing reads: a
/// snapshot kept for <see cref="AdminOptions.CacheDuration"/> and dropped at once by writes in this process.
/// </summary>
public sealed partial class StoredSubscriptions
{
    public const string MigrationId = "0160-delivery-subscriptions";

    public const string MigrationSql = """
        CREATE TABLE IF NOT EXISTS delivery_subscriptions (
            id TEXT PRIMARY KEY,
            document TEXT NOT NULL,
            revision BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );
        """;

    public const int MaxIdLength = 64;

    private const string SelectColumns = """
        SELECT id AS Id, document AS Document, revision AS Revision, created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM delivery_subscriptions
        """;

    private static readonly JsonSerializerOptions DocumentJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        // Where an entry came from is not part of it; stored entries get their API path on reading.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    if (info.Type == typeof(Subscription))
                    {
                        var path = info.Properties.First(p => p.Name == "configurationPath");
                        info.Properties.Remove(path);
                    }
                },
            },
        },
    };

    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly StoreSnapshotCache<Snapshot> _cache;

    public StoredSubscriptions(IStore store, TimeProvider time, IOptionsMonitor<AdminOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _time = time;
        _cache = new StoreSnapshotCache<Snapshot>(LoadSnapshotAsync, time, () => options.CurrentValue.CacheDuration);
    }

    /// <summary>1 to 64 characters of A–Z, a–z, 0–9, '.', '_' and '-', so an id is safe in a URL path and a log line.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Where a stored subscription lives in the admin API; shown where configured ones show their key.</summary>
    public static string PathOf(string id) => $"{DeliveryAdminApi.AdminPrefix}/subscriptions/{id}";

    /// <summary>Every stored subscription, read from the store now, oldest first.</summary>
    public async Task<IReadOnlyList<StoredSubscription>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"{SelectColumns} ORDER BY created_at, id", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToStored())];
    }

    public async Task<StoredSubscription?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"{SelectColumns} WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToStored();
    }

    /// <summary>Stores a new subscription at revision 1; null when its id is already stored.</summary>
    public async Task<StoredSubscription?> CreateAsync(Subscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var now = _time.GetUtcNow();
        var row = new { subscription.Id, Document = Serialize(subscription), Now = now.ToUnixTimeMilliseconds() };
        var inserted = await _store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO delivery_subscriptions (id, document, revision, created_at, updated_at)
                VALUES (@Id, @Document, 1, @Now, @Now)
                ON CONFLICT (id) DO NOTHING
                """,
                row,
                transaction,
                cancellationToken: ct)),
            cancellationToken);
        if (inserted == 0)
        {
            return null;
        }

        _cache.Invalidate();
        return new StoredSubscription(WithPath(subscription), 1, now, now);
    }

    /// <summary>
    /// Replaces the stored subscription if it is still at <paramref name="expectedRevision"/>; null when it has
    /// changed since or is gone (the caller tells which by reading it again).
    /// </summary>
    public async Task<StoredSubscription?> UpdateAsync(Subscription subscription, long expectedRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var now = _time.GetUtcNow();
        var row = new { subscription.Id, Document = Serialize(subscription), Now = now.ToUnixTimeMilliseconds(), Expected = expectedRevision };
        var createdAt = await _store.WriteAsync(
            (connection, transaction, ct) => connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                """
                UPDATE delivery_subscriptions SET document = @Document, revision = revision + 1, updated_at = @Now
                WHERE id = @Id AND revision = @Expected
                RETURNING created_at
                """,
                row,
                transaction,
                cancellationToken: ct)),
            cancellationToken);
        if (createdAt is null)
        {
            return null;
        }

        _cache.Invalidate();
        return new StoredSubscription(WithPath(subscription), expectedRevision + 1, DateTimeOffset.FromUnixTimeMilliseconds(createdAt.Value), now);
    }

    /// <summary>Deletes the subscription (only at <paramref name="expectedRevision"/> when given); false when nothing was deleted.</summary>
    public async Task<bool> DeleteAsync(string id, long? expectedRevision = null, CancellationToken cancellationToken = default)
    {
        var deleted = await _store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                expectedRevision is null
                    ? "DELETE FROM delivery_subscriptions WHERE id = @Id"
                    : "DELETE FROM delivery_subscriptions WHERE id = @Id AND revision = @Expected",
                new { Id = id, Expected = expectedRevision ?? 0 },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
        if (deleted > 0)
        {
            _cache.Invalidate();
        }

        return deleted > 0;
    }

    /// <summary>
    /// The stored subscriptions as routing sees them: a snapshot at most <see cref="AdminOptions.CacheDuration"/>
    /// old. The instances are shared; callers must not change them.
    /// </summary>
    public async ValueTask<IReadOnlyList<Subscription>> ListCachedAsync(CancellationToken cancellationToken) =>
        (await _cache.GetAsync(cancellationToken)).Items;

    public async ValueTask<Subscription?> FindCachedAsync(string id, CancellationToken cancellationToken) =>
        (await _cache.GetAsync(cancellationToken)).ById.GetValueOrDefault(id);

    internal static string Serialize(Subscription subscription) => JsonSerializer.Serialize(subscription, DocumentJson);

    private async Task<Snapshot> LoadSnapshotAsync(CancellationToken cancellationToken)
    {
        var stored = await ListAsync(cancellationToken);
        var items = stored.Select(s => s.Subscription).ToList();
        return new Snapshot(items, items.ToDictionary(s => s.Id, StringComparer.Ordinal));
    }

    private static Subscription WithPath(Subscription subscription)
    {
        subscription.ConfigurationPath = PathOf(subscription.Id);
        return subscription;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    private sealed record Snapshot(IReadOnlyList<Subscription> Items, IReadOnlyDictionary<string, Subscription> ById);

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string Document { get; set; } = "";
        public long Revision { get; set; }
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }

        public StoredSubscription ToStored()
        {
            var subscription = JsonSerializer.Deserialize<Subscription>(Document, DocumentJson)
                ?? throw new InvalidDataException($"Stored subscription '{Id}' has an empty document.");
            // The row's key is the truth should the document ever disagree.
            subscription.Id = Id;
            return new StoredSubscription(
                WithPath(subscription), Revision,
                DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
        }
    }
}
