using Npgsql;
using OutageAlerts.Storage;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>
/// A PostgreSQL database of its own for one <c>bench pipeline --store postgres</c> run, on the server
/// <c>ConnectionStrings:OutageAlerts</c> names: created empty, so that no earlier run's incidents, feed states or Quartz
/// triggers count, and dropped afterwards.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _server;

    private BenchDatabase(string server, string name, string connectionString)
    {
        _server = server;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>The measured service's connection string: the operator's, with the run's database.</summary>
    public string ConnectionString { get; }

    /// <summary>Host and port, for the report.</summary>
    public string Server
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_server);
            return $"{builder.Host}:{builder.Port}";
        }
    }

    public static async Task<BenchDatabase> CreateAsync(IConfiguration configuration, string run, CancellationToken cancellationToken)
    {
        var server = configuration.GetConnectionString(StoreOptions.ConnectionStringName);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(server ?? throw new ArgumentException("not set"));
            _ = builder.Host ?? throw new ArgumentException("no Host");
        }
        catch (ArgumentException ex)
        {
            throw new PipelineBenchException(
                $"--store postgres needs ConnectionStrings:{StoreOptions.ConnectionStringName}, a PostgreSQL connection string for a server where the harness may create and drop a database ({ex.Message}).",
                ex);
        }

        // Lower-case letters, digits and underscores only: the run id is hexadecimal, so the name needs no quoting.
        var name = "outage_alerts_bench_" + run;
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            throw new PipelineBenchException($"PostgreSQL at {builder.Host}:{builder.Port} is not usable for --store postgres: {ex.Message}", ex);
        }

        var service = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = name };
        return new BenchDatabase(builder.ConnectionString, name, service.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        // The service's pooled connections to the database would keep DROP DATABASE waiting; FORCE ends them.
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
