using System.Data.Common;

namespace OutageAlerts.Storage;

/// <summary>
/// The service's relational store (SQLite embedded, PostgreSQL scaled out). Areas own their tables and write
/// portable SQL through Dapper; timestamps are stored as Unix milliseconds so both engines agree.
/// </summary>
public interface IStore
{
    StoreProvider Provider { get; }

    /// <summary>Opens a connection to a schema that is migrated to the latest version.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and returns once it is committed. <paramref name="work"/>
    /// must use only the connection and transaction it is given, and must not start another write.
    /// </summary>
    /// <remarks>
    /// On SQLite one writer thread per process runs the writes, several queued ones sharing a commit, each in a
    /// savepoint of its own so that one that throws is rolled back alone (<c>SqliteWriter</c>); on PostgreSQL each
    /// write has its own connection and a read-committed transaction.
    /// </remarks>
    Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default);
}

/// <summary>Shorthands for <see cref="IStore.WriteAsync{T}"/>.</summary>
public static class StoreWriteExtensions
{
    /// <summary>A write that returns nothing.</summary>
    public static Task WriteAsync(this IStore store, Func<DbConnection, DbTransaction, CancellationToken, Task> work, CancellationToken cancellationToken = default) =>
        store.WriteAsync<bool>(
            async (connection, transaction, ct) =>
            {
                await work(connection, transaction, ct);
                return true;
            },
            cancellationToken);
}
