using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OutageAlerts.Testing;

/// <summary>A request as a local server received it.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 with an ephemeral port, recording every request and answering with a
/// handler the test chooses. Used for feeds, webhook receivers and SMS gateways.
/// </summary>
public sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly SemaphoreSlim _arrivals = new(0);

    private LocalHttpServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <summary>Starts a server; <paramref name="handler"/> writes the response for each recorded request.</summary>
    public static async Task<LocalHttpServer> StartAsync(Func<ReceivedRequest, HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LocalHttpServer(app);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var request = new ReceivedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "/",
                context.Request.QueryString.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray());
            server._requests.Enqueue(request);
            server._arrivals.Release();
            await handler(request, context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>A server that answers 200 with an empty body.</summary>
    public static Task<LocalHttpServer> StartRecordingAsync(int status = StatusCodes.Status200OK) =>
        StartAsync((_, context) =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });

    public Uri Url(string relative) => new(BaseAddress, relative);

    /// <summary>Waits until at least <paramref name="count"/> requests matching <paramref name="filter"/> arrived.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count, TimeSpan timeout, Func<ReceivedRequest, bool>? filter = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var matching = Requests.Where(r => filter?.Invoke(r) ?? true).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            try
            {
                await _arrivals.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                return matching;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrivals.Dispose();
    }
}
