using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OutageAlerts.Storage;

internal sealed partial class Store : IStore, IAsyncDisposable
{
    // Any constant works; it only has to be the same for every replica that migrates this database.
    private const long MigrationLockKey = 0x4F_75_74_41_6C_72_74;

    private readonly StoreOptions _options;
    private readonly IReadOnlyList<StoreMigration> _migrations;
    private readonly ILogger<Store> _logger;
    private readonly SemaphoreSlim _migrationGate = new(1, 1);
    // DbDataSource, not NpgsqlDataSource: on SQLite the Npgsql assembly is then never loaded (issue 10, memory).
    private readonly DbDataSource? _postgres;
    private readonly string _connectionString;
    private readonly SqliteWriter? _writer;
    private volatile bool _migrated;

    // Native SQLite connections already set up; weak, so that a connection the pool closes is forgotten with it.
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();
    private static readonly object Configured = new();

    public Store(IOptions<StoreOptions> options, IEnumerable<StoreMigration> migrations, ILogger<Store> logger)
    {
        _options = options.Value;
        _logger = logger;
        _migrations = [.. migrations.OrderBy(m => m.Id, StringComparer.Ordinal)];
        var duplicate = _migrations.GroupBy(m => m.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Store migration '{duplicate.Key}' is registered twice.");
        }

        if (_options.Provider == StoreProvider.Postgres)
        {
            _connectionString = _options.ConnectionString
                ?? throw new InvalidOperationException(
                    $"ConnectionStrings:{StoreOptions.ConnectionStringName} is required when {StoreOptions.SectionName}:Provider is Postgres.");
            _postgres = CreatePostgresDataSource(_connectionString);
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(_options.ConnectionString ?? StoreOptions.DefaultSqliteConnectionString)
            {
                DefaultTimeout = (int)_options.BusyTimeout.TotalSeconds,
                Pooling = true,
            };
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(directory) && builder.Mode != SqliteOpenMode.Memory)
            {
                Directory.CreateDirectory(directory);
            }

            _connectionString = builder.ToString();
            _writer = new SqliteWriter(OpenWriterConnection, logger);
        }
    }

    // Its own method, never inlined: compiling the constructor then does not load Npgsql on SQLite.
    [MethodImpl(MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859:Use concrete types when possible", Justification = "The abstract type is the point: callers must not name Npgsql's.")]
    private static DbDataSource CreatePostgresDataSource(string connectionString) =>
        NpgsqlDataSource.Create(StoreOptions.WithPostgresDefaults(connectionString));

    public StoreProvider Provider => _options.Provider;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken);
        }

        return await OpenRawAsync(cancellationToken);
    }

    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken);
        }

        if (_writer is not null)
        {
            return await _writer.WriteAsync(work, cancellationToken);
        }

        await using var connection = await OpenRawAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var result = await work(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _migrationGate.Dispose();
    }

    private async Task<DbConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // The settings belong to the native connection, which the pool hands out again and again: applying them
        // on every open cost a statement per store call (issue 10). The handle identifies the native connection.
        if (connection.Handle is { } handle && !_configured.TryGetValue(handle, out _))
        {
            // WAL lets the ingestion and delivery processes share one file; the busy timeout makes writers queue
            // instead of failing when the other process holds the write lock.
            await connection.ExecuteAsync(Pragmas);
            _configured.AddOrUpdate(handle, Configured);
        }

        return connection;
    }

    /// <summary>The writer's own connection: not pooled, as it stays open for the life of the store.</summary>
    private SqliteConnection OpenWriterConnection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());
        connection.Open();
        using var pragmas = connection.CreateCommand();
        // The writer's commits no longer copy the WAL back into the database (and fsync both) themselves: the
        // writer's checkpoint thread does, so that no write waits for the disk's flush. The automatic checkpoint stays
        // as a backstop at SqliteWriter.BackstopCheckpointPages, should that thread fall behind.
        //
        // Each write of a shared commit runs in a savepoint, and SQLite keeps the original of every page a savepoint
        // changes in a sub-journal, a temporary file once it passes 64 KiB: a batch of reports (a new incident, its
        // alert and its report, each a few KB) passed it, and the writer spent a quarter of its time writing pages
        // to /var/tmp that were thrown away at the release (issue 10, perf). In memory they stay a few megabytes at
        // most, freed with the savepoint.
        pragmas.CommandText = $"{Pragmas} PRAGMA wal_autocheckpoint={SqliteWriter.BackstopCheckpointPages}; PRAGMA temp_store=MEMORY;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    private string Pragmas =>
        $"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={(int)_options.BusyTimeout.TotalMilliseconds};";

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await _migrationGate.WaitAsync(cancellationToken);
        try
        {
            if (_migrated)
            {
                return;
            }

            await using var connection = await OpenRawAsync(cancellationToken);
            await using var transaction = await BeginMigrationTransactionAsync(connection, cancellationToken);
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                transaction: transaction);
            var applied = (await connection.QueryAsync<string>("SELECT id FROM schema_migrations", transaction: transaction))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var migration in _migrations.Where(m => !applied.Contains(m.Id)))
            {
                await connection.ExecuteAsync(migration.SqlFor(Provider), transaction: transaction);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (id, applied_at) VALUES (@Id, @At)",
                    new { migration.Id, At = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                    transaction);
                LogMigrationApplied(migration.Id, Provider);
            }

            await transaction.CommitAsync(cancellationToken);
            _migrated = true;
        }
        finally
        {
            _migrationGate.Release();
        }
    }

    private async Task<DbTransaction> BeginMigrationTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (Provider == StoreProvider.Postgres)
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            // Replicas starting together queue here; the second one then sees every migration applied.
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@Key)", new { Key = MigrationLockKey }, transaction);
            return transaction;
        }

        // BEGIN IMMEDIATE takes SQLite's write lock up front, so two processes cannot both migrate.
        var sqlite = (SqliteConnection)connection;
        return await Task.FromResult<DbTransaction>(sqlite.BeginTransaction(deferred: false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store migration {MigrationId} applied ({Provider})")]
    private partial void LogMigrationApplied(string migrationId, StoreProvider provider);
}
