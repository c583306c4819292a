using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OutageAlerts.Delivery.Tests;

/// <summary>A real Kestrel listener on 127.0.0.1 that records requests and answers with queued status codes.</summary>
internal sealed class TestReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _statuses = new();

    private TestReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public string BaseUrl { get; private set; } = "";

    /// <summary>The body of error answers; a generic JSON message unless a test sets its own.</summary>
    public string AnswerBody { get; set; } = "{\"message\":\"test receiver says no\"}";

    public static async Task<TestReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new TestReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    /// <summary>Queues the status codes of the next answers; after them every request gets 200.</summary>
    public void AnswerWith(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        IFormCollection? form = null;
        if (context.Request.HasFormContentType)
        {
            body.Position = 0;
            context.Request.Body = body;
            form = await context.Request.ReadFormAsync();
        }

        Requests.Enqueue(new ReceivedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body.ToArray(),
            form?.ToDictionary(f => f.Key, f => f.Value.ToString())));
        context.Response.StatusCode = _statuses.TryDequeue(out var status) ? status : StatusCodes.Status200OK;
        if (status >= 400)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(AnswerBody);
        }
    }
}

internal sealed record ReceivedRequest(
    string Method, string Path, Dictionary<string, string> Headers, byte[] Body, Dictionary<string, string>? Form);
