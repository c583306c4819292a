using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OutageAlerts.Feeds.Tests.Fetching;

/// <summary>A real Kestrel server on a free loopback port, with per-test routes and a log of what it received.</summary>
internal sealed class LocalFeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalFeedServer(WebApplication app) => _app = app;

    public ConcurrentQueue<HttpRequestSnapshot> Requests { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public Uri Url(string path) => new(BaseAddress, path);

    public int HitCount(string path) => Requests.Count(r => r.Path == path);

    public static async Task<LocalFeedServer> StartAsync(Action<WebApplication> mapRoutes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LocalFeedServer(app);
        app.Use(async (context, next) =>
        {
            server.Requests.Enqueue(new HttpRequestSnapshot(
                context.Request.Path.Value ?? string.Empty,
                context.Request.Headers.IfNoneMatch.ToString(),
                context.Request.Headers.IfModifiedSince.ToString(),
                context.Request.Headers.UserAgent.ToString(),
                context.Request.Headers.Accept.ToString()));
            await next(context);
        });
        mapRoutes(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record HttpRequestSnapshot(string Path, string IfNoneMatch, string IfModifiedSince, string UserAgent, string Accept);
