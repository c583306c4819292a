using Dapper;
using OutageAlerts.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OutageAlerts.Storage.Tests;

/// <summary>The same suite against SQLite and a real PostgreSQL server.</summary>
public sealed class StoreTests
{
    public static TheoryData<StoreProvider> Providers => [StoreProvider.Sqlite, StoreProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task OpenAsync_NewDatabase_AppliesMigrationsInIdOrder(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = store.BuildServices(s => s
            // Registered out of order: the second depends on the first, so only id order works.
            .AddStoreMigration("0002-b", "INSERT INTO sample (id, name) VALUES (1, 'first')")
            .AddStoreMigration("0001-a", "CREATE TABLE sample (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"));

        await using var connection = await services.GetRequiredService<IStore>().OpenAsync();

        Assert.Equal("first", await connection.ExecuteScalarAsync<string>("SELECT name FROM sample WHERE id = 1"));
        Assert.Equal(["0001-a", "0002-b"], await connection.QueryAsync<string>("SELECT id FROM schema_migrations ORDER BY id"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task OpenAsync_SecondProcessOnMigratedDatabase_AppliesNothingTwice(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        void Schema(IServiceCollection s) => s
            .AddStoreMigration("0001-a", "CREATE TABLE sample (id INTEGER PRIMARY KEY)")
            .AddStoreMigration("0002-b", "INSERT INTO sample (id) VALUES (1)");

        await using (var first = store.BuildServices(Schema))
        {
            await using var connection = await first.GetRequiredService<IStore>().OpenAsync();
        }

        await using var second = store.BuildServices(Schema);
        await using var again = await second.GetRequiredService<IStore>().OpenAsync();
        Assert.Equal(1, await again.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task OpenAsync_ReplicasStartingTogether_MigrateOnce(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        void Schema(IServiceCollection s) => s
            .AddStoreMigration("0001-a", "CREATE TABLE sample (id INTEGER PRIMARY KEY)")
            .AddStoreMigration("0002-b", "INSERT INTO sample (id) VALUES (1)");
        var replicas = Enumerable.Range(0, 4).Select(_ => store.BuildServices(Schema)).ToList();

        try
        {
            await Task.WhenAll(replicas.Select(async r =>
            {
                await using var c = await r.GetRequiredService<IStore>().OpenAsync();
            }));

            await using var connection = await replicas[0].GetRequiredService<IStore>().OpenAsync();
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample"));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AddStoreMigration_SameIdTwice_FailsNamingTheId()
    {
        await using var store = TestStore.Sqlite();
        await using var services = store.BuildServices(s => s
            .AddStoreMigration("0001-a", "SELECT 1")
            .AddStoreMigration("0001-a", "SELECT 2"));

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IStore>());

        Assert.Contains("0001-a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_StoreUnreachable_ReportsUnhealthyWithoutThrowing()
    {
        var settings = new Dictionary<string, string?>
        {
            ["OutageAlerts:Store:Provider"] = "Postgres",
            // Nothing listens on port 1: the check must turn the failure into a status.
            ["ConnectionStrings:OutageAlerts"] = "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var services = new ServiceCollection().AddLogging().AddStore(configuration).BuildServiceProvider();
        var check = new StoreHealthCheck(services.GetRequiredService<IStore>());

        var result = await check.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, result.Status);
        Assert.DoesNotContain("Password", result.Description, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OpenAsync_SqliteConnectionFromThePool_KeepsWalAndBusyTimeout()
    {
        await using var store = await TestStore.CreateAsync(StoreProvider.Sqlite);
        await using var services = store.BuildServices(_ => { });
        var target = services.GetRequiredService<IStore>();
        await using (await target.OpenAsync())
        {
            // Returned to the pool: the next open reuses the native connection without setting it up again.
        }

        await using var reused = await target.OpenAsync();

        Assert.Equal("wal", await reused.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal((long)StoreOptions.DefaultBusyTimeout.TotalMilliseconds, await reused.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));
        Assert.Equal(1L, await reused.ExecuteScalarAsync<long>("PRAGMA synchronous"));
    }
}
