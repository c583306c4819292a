namespace OutageAlerts.Storage;

/// <summary>
/// One versioned schema change contributed by the area that owns the tables. Applied once, in order of
/// <see cref="Id"/>, inside a transaction. SQL must run on both SQLite and PostgreSQL unless
/// <see cref="PostgresSql"/> gives the PostgreSQL variant.
/// </summary>
/// <param name="Id">Sortable and unique, e.g. <c>0001-ingestion-seen-items</c>.</param>
public sealed record StoreMigration(string Id, string Sql, string? PostgresSql = null)
{
    public string SqlFor(StoreProvider provider) =>
        provider == StoreProvider.Postgres && PostgresSql is not null ? PostgresSql : Sql;
}
