using Microsoft.Extensions.Hosting;
using OutageAlerts.Storage;

namespace OutageAlerts.Ingestion.Scheduling;

/// <summary>
/// Applies the store's migrations (among them the Quartz tables) before the clustered scheduler starts, since Quartz
/// validates its schema on start and the store otherwise migrates lazily on first use. Registered ahead of Quartz's
/// hosted service; replicas starting together queue on the store's migration lock.
/// </summary>
internal sealed class StoreMigrationStartup(IStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
