using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace OutageAlerts.Delivery.Tests;

/// <summary>
/// The real delivery services as AddDelivery wires them, on a temporary SQLite store and directory, with a
/// fake clock set to a fixed instant.
/// </summary>
internal sealed class DeliveryServices : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2025, 11, 8, 5, 0, 0, TimeSpan.Zero);

    private DeliveryServices(ServiceProvider provider, string directory, FakeTimeProvider time)
    {
        Provider = provider;
        Directory = directory;
        Time = time;
    }

    public ServiceProvider Provider { get; }

    public string Directory { get; }

    public FakeTimeProvider Time { get; }

    public static DeliveryServices Create(
        IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null, bool realClock = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "outage-alerts-delivery-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var all = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase);
        // A test that brings its own store (TestStore: SQLite or PostgreSQL) keeps it.
        all.TryAdd("ConnectionStrings:OutageAlerts", $"Data Source={Path.Combine(directory, "store.db")}");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var time = new FakeTimeProvider(Now);
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        if (!realClock)
        {
            services.AddSingleton<TimeProvider>(time);
        }

        services.AddDelivery(configuration);
        configure?.Invoke(services);
        return new DeliveryServices(services.BuildServiceProvider(validateScopes: true), directory, time);
    }

    public T Get<T>()
        where T : notnull => Provider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; failing the test over it would not be.
        }
    }
}
