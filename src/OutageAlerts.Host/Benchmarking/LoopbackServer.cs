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

    /// <summary>The bound base addresses (ending in '/'), in no particular order.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    public static async Task<LoopbackServer> StartAsync(IEnumerable<string> hosts, RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.AddServerHeader = false).UseUrls([.. hosts.Select(h => $"http://{h}:0")]);
        builder.Logging.ClearProviders();
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
