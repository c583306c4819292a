using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>A bare Kestrel server on loopback addresses with ephemeral ports, for the harness's feeds and receivers.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        Addresses = addresses;
    }

    /// <summary>The server's services (its configuration, for a test).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>The bound base addresses (ending in '/'), in no particular order.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    public static async Task<LoopbackServer> StartAsync(IEnumerable<string> hosts, RequestDelegate handler)
    {
        // An empty builder: no configuration files, so nothing is watched. The slim builder's appsettings.json sources
        // watched the working directory and every folder under it, three servers over; the harness's store lives in
        // the temporary folder, so with the run started there every page the store's writer wrote raised file events
        // in the kernel and woke the watcher thread (a quarter of the writer's samples, 8 % of the process's).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.AddServerHeader = false).UseUrls([.. hosts.Select(h => $"http://{h}:0")]);
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.EndsWith('/') ? a : a + "/"))
            .ToList();
        return new LoopbackServer(app, addresses);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
