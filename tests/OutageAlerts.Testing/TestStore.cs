using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

using OutageAlerts.Storage;

namespace OutageAlerts.Testing;

/// <summary>Real stores for tests: a SQLite file in a temp folder, or a fresh database on the PostgreSQL that ./test.sh starts.</summary>
public sealed class TestStore : IAsyncDisposable
{
    public const string PostgresVariable = "OUTAGE_ALERTS_TEST_POSTGRES";

    private readonly Func<ValueTask> _cleanup;

    private TestStore(Dictionary<string, string?> settings, Func<ValueTask> cleanup)
    {
        Settings = settings;
        _cleanup = cleanup;
    }

    public Dictionary<string, string?> Settings { get; }

    public static TestStore Sqlite()
    {
        var directory = Directory.CreateTempSubdirectory("outage-alerts-store-");
        return new TestStore(
            new() { ["OutageAlerts:Store:Provider"] = "Sqlite", ["ConnectionStrings:OutageAlerts"] = $"Data Source={Path.Combine(directory.FullName, "store.db")}" },
            () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                directory.Delete(recursive: true);
                return ValueTask.CompletedTask;
            });
    }

    public static async Task<TestStore> PostgresAsync()
    {
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException($"{PostgresVariable} is not set. Run the tests with ./test.sh, which starts PostgreSQL.");
        }

        var database = "oa_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        return new TestStore(
            new() { ["OutageAlerts:Store:Provider"] = "Postgres", ["ConnectionStrings:OutageAlerts"] = connectionString },
            async () =>
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = new NpgsqlConnection(server);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            });
    }

    public static Task<TestStore> CreateAsync(StoreProvider provider) =>
        provider == StoreProvider.Postgres ? PostgresAsync() : Task.FromResult(Sqlite());

    /// <summary>A service provider with the store and the given migrations, as the host would build it.</summary>
    public ServiceProvider BuildServices(Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();
        var services = new ServiceCollection().AddLogging().AddStore(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public ValueTask DisposeAsync() => _cleanup();
}
