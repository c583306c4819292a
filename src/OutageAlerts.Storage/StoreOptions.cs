using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Npgsql;

namespace OutageAlerts.Storage;

public enum StoreProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound from <c>OutageAlerts:Store</c>; the connection string is <c>ConnectionStrings:OutageAlerts</c>.</summary>
public sealed class StoreOptions
{
    public const string SectionName = "OutageAlerts:Store";
    public const string ConnectionStringName = "OutageAlerts";

    /// <summary>The embedded default: a SQLite file under ./data/, created on first use.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/outage-alerts.db";

    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>Filled from <c>ConnectionStrings:OutageAlerts</c>; defaults per provider when absent.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long SQLite waits for another process's write lock before giving up.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan BusyTimeout { get; set; } = DefaultBusyTimeout;

    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Statements Npgsql prepares on the server once they have run a few times, unless the connection string says
    /// otherwise (<c>Max Auto Prepare</c>; Npgsql's own default is none).
    /// </summary>
    /// <remarks>
    /// Every write and query is otherwise parsed and planned by PostgreSQL each time. Measured with
    /// <c>bench pipeline --store postgres</c> (issue 10, docs/performance.md), database on the same two cores: 190–196
    /// against 138–159 alerts/s, p99 255–270 against 508–656 ms, 4.1–4.6 against 4.9–5.8 ms of processor time per alert.
    /// </remarks>
    public const int DefaultMaxAutoPrepare = 50;

    /// <summary>
    /// <paramref name="connectionString"/> with <see cref="DefaultMaxAutoPrepare"/> when it does not set
    /// <c>Max Auto Prepare</c> itself (an explicit 0 turns automatic preparation off).
    /// </summary>
    public static string WithPostgresDefaults(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        // The generic builder keeps the keys as written, so an operator's "Max Auto Prepare=0" is told from no setting.
        var keys = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>();
        if (keys.Any(k => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = DefaultMaxAutoPrepare }.ConnectionString;
    }
}
