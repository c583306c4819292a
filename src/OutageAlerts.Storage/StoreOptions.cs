using System.ComponentModel.DataAnnotations;

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
}
