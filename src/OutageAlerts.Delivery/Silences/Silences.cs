using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Admin;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Silences;

/// <summary>
/// Silences in the store. Expiring one sets its end to now, so the record stays for the audit trail.
/// <see cref="ListActiveAsync"/> is what routing reads: a snapshot of the unexpired silences kept for
/// <see cref="AdminOptions.CacheDuration"/> (writes in this process drop it at once), filtered by the clock on
/// every call so a silence stops exactly when it ends.
/// </summary>
public sealed class Silences
{
    public const string MigrationId = "0161-delivery-silences";

    public const string MigrationSql = """
        CREATE TABLE IF NOT EXISTS delivery_silences (
            id TEXT PRIMARY KEY,
            matchers TEXT NOT NULL,
            starts_at BIGINT NOT NULL,
            ends_at BIGINT NOT NULL,
            created_by TEXT NOT NULL,
            comment TEXT NOT NULL,
            include_extreme INTEGER NOT NULL,
            created_at BIGINT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_delivery_silences_ends_at ON delivery_silences (ends_at);
        """;

    private const string SelectColumns = """
        SELECT id AS Id, matchers AS Matchers, starts_at AS StartsAt, ends_at AS EndsAt, created_by AS CreatedBy,
               comment AS Comment, include_extreme AS IncludeExtreme
        FROM delivery_silences
        """;

    private static readonly JsonSerializerOptions MatchersJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly StoreSnapshotCache<IReadOnlyList<Silence>> _unexpired;

    public Silences(IStore store, TimeProvider time, IOptionsMonitor<AdminOptions>? options = null)
    {
        _store = store;
        _time = time;
        _unexpired = new StoreSnapshotCache<IReadOnlyList<Silence>>(
            LoadUnexpiredAsync, time, () => options?.CurrentValue.CacheDuration ?? AdminOptions.DefaultCacheDuration);
    }

    /// <summary>Stores the silence as given; an empty <see cref="Silence.Id"/> gets a new, time-ordered one.</summary>
    public async Task<Silence> CreateAsync(Silence silence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silence);
        var now = _time.GetUtcNow();
        if (silence.Id.Length == 0)
        {
            silence = silence with { Id = "sil-" + Guid.CreateVersion7(now).ToString("N") };
        }

        var row = new
        {
            silence.Id,
            Matchers = JsonSerializer.Serialize(silence.Matchers, MatchersJson),
            StartsAt = silence.StartsAt.ToUnixTimeMilliseconds(),
            EndsAt = silence.EndsAt.ToUnixTimeMilliseconds(),
            silence.CreatedBy,
            silence.Comment,
            IncludeExtreme = silence.IncludeExtreme ? 1 : 0,
            Now = now.ToUnixTimeMilliseconds(),
        };
        await _store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO delivery_silences (id, matchers, starts_at, ends_at, created_by, comment, include_extreme, created_at)
                VALUES (@Id, @Matchers, @StartsAt, @EndsAt, @CreatedBy, @Comment, @IncludeExtreme, @Now)
                """,
                row,
                transaction,
                cancellationToken: ct)),
            cancellationToken);
        _unexpired.Invalidate();
        // What is returned is what a read gives back: times at the store's millisecond precision.
        return silence with
        {
            StartsAt = DateTimeOffset.FromUnixTimeMilliseconds(silence.StartsAt.ToUnixTimeMilliseconds()),
            EndsAt = DateTimeOffset.FromUnixTimeMilliseconds(silence.EndsAt.ToUnixTimeMilliseconds()),
        };
    }

    /// <summary>Silences that have not ended (pending and active), or all of them; by start, then id.</summary>
    public async Task<IReadOnlyList<Silence>> ListAsync(bool includeExpired, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            includeExpired
                ? $"{SelectColumns} ORDER BY starts_at, id"
                : $"{SelectColumns} WHERE ends_at > @Now ORDER BY starts_at, id",
            new { Now = _time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToSilence())];
    }

    public async Task<Silence?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"{SelectColumns} WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToSilence();
    }

    /// <summary>
    /// Ends the silence now (one that has not started yet never will). Expiring an expired silence changes nothing.
    /// Null when there is no such silence.
    /// </summary>
    public async Task<Silence?> ExpireAsync(string id, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await _store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE delivery_silences
                SET ends_at = @Now, starts_at = CASE WHEN starts_at > @Now THEN @Now ELSE starts_at END
                WHERE id = @Id AND ends_at > @Now
                """,
                new { Id = id, Now = now },
                transaction,
                cancellationToken: ct)),
            cancellationToken);

        _unexpired.Invalidate();
        return await FindAsync(id, cancellationToken);
    }

    /// <summary>
    /// The silences in force now, for routing: read from a snapshot at most <see cref="AdminOptions.CacheDuration"/>
    /// old, so silences made or expired through another process take effect within that time.
    /// </summary>
    public async Task<IReadOnlyList<Silence>> ListActiveAsync(CancellationToken cancellationToken)
    {
        var unexpired = await _unexpired.GetAsync(cancellationToken);
        if (unexpired.Count == 0)
        {
            return unexpired;
        }

        var now = _time.GetUtcNow();
        return [.. unexpired.Where(s => s.IsActiveAt(now))];
    }

    private Task<IReadOnlyList<Silence>> LoadUnexpiredAsync(CancellationToken cancellationToken) =>
        ListAsync(includeExpired: false, cancellationToken);

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string Matchers { get; set; } = "";
        public long StartsAt { get; set; }
        public long EndsAt { get; set; }
        public string CreatedBy { get; set; } = "";
        public string Comment { get; set; } = "";
        public long IncludeExtreme { get; set; }

        public Silence ToSilence() => new(
            Id,
            JsonSerializer.Deserialize<SilenceMatchers>(Matchers, MatchersJson) ?? new SilenceMatchers(),
            DateTimeOffset.FromUnixTimeMilliseconds(StartsAt),
            DateTimeOffset.FromUnixTimeMilliseconds(EndsAt),
            CreatedBy,
            Comment,
            IncludeExtreme != 0);
    }
}
