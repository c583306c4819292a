using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Persistence;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.Incidents.Tests.Correlation;

/// <summary>The correlator as the host builds it, over a real store, with a clock the test moves.</summary>
internal sealed class CorrelatorHarness : IAsyncDisposable
{
    private readonly TestStore _store;
    private readonly Dictionary<string, string?> _settings;
    private ServiceProvider _services;

    private CorrelatorHarness(TestStore store, Dictionary<string, string?> settings, DateTimeOffset start)
    {
        _store = store;
        _settings = settings;
        Clock = new FakeTimeProvider(start);
        _services = Build();
    }

    public FakeTimeProvider Clock { get; }

    public IIncidentCorrelator Correlator => _services.GetRequiredService<IIncidentCorrelator>();

    /// <summary>Every message published so far, in order, as ingestion would have sent them.</summary>
    public List<Alert> Published { get; } = [];

    public static async Task<CorrelatorHarness> StartAsync(
        StoreProvider provider = StoreProvider.Sqlite,
        Dictionary<string, string?>? settings = null,
        DateTimeOffset? start = null)
    {
        var store = await TestStore.CreateAsync(provider);
        return new CorrelatorHarness(store, settings ?? [], start ?? Reports.Night);
    }

    /// <summary>Moves the clock to the report's fetch time, releases what fell due, then correlates it.</summary>
    public async Task<IncidentDecision> ReceiveAsync(ClassifiedReport report)
    {
        if (report.FetchedAt > Clock.GetUtcNow())
        {
            await AdvanceToAsync(report.FetchedAt);
        }

        var decision = await Correlator.CorrelateAsync(report, CancellationToken.None);
        if (decision.Alert is { } alert)
        {
            Published.Add(alert);
        }

        return decision;
    }

    /// <summary>Every released held message with its trace context, as the release job received them.</summary>
    public List<ReleasedAlert> Released { get; } = [];

    /// <summary>Moves the clock, polling for due messages every second as ingestion does.</summary>
    /// <param name="confirm">False: the process "dies" after each release, before publishing and confirming it.</param>
    public async Task AdvanceToAsync(DateTimeOffset until, bool confirm = true)
    {
        var store = _services.GetRequiredService<IncidentStore>();
        while (await store.NextDueAsync(CancellationToken.None) is { } due && due <= until)
        {
            if (due > Clock.GetUtcNow())
            {
                Clock.SetUtcNow(due);
            }

            var released = await Correlator.ReleaseDueAsync(Clock.GetUtcNow(), CancellationToken.None);
            Released.AddRange(released);
            if (!confirm)
            {
                // Nothing is published; the next poll would only see the lease, so stop here.
                break;
            }

            foreach (var message in released)
            {
                Published.Add(message.Alert);
                await Correlator.ConfirmReleasedAsync(message.Alert.AlertId, message.Alert.Version, CancellationToken.None);
            }
        }

        if (until > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(until);
        }
    }

    /// <summary>A new process on the same store: nothing in memory survives.</summary>
    public async Task RestartAsync()
    {
        await _services.DisposeAsync();
        _services = Build();
    }

    /// <summary>A second replica sharing the store.</summary>
    public ServiceProvider BuildReplica() => Build();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _store.DisposeAsync();
    }

    private ServiceProvider Build()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(_store.Settings).AddInMemoryCollection(_settings).Build();
        return _store.BuildServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddIncidents(configuration);
        });
    }
}
