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
}
