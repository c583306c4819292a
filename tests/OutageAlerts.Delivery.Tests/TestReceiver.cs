using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using OutageAlerts.Testing;

namespace OutageAlerts.Delivery.Tests;

/// <summary>
/// The shared loopback listener (<see cref="LocalHttpServer"/>) answering with queued status codes, and keeping
/// each request with lower-case header names and its form fields, as the webhook and SMS tests read them.
/// </summary>
internal sealed class TestReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<int> _statuses = new();
    private LocalHttpServer _server = null!;

    private TestReceiver()
    {
    }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Scheme, host and port, without a trailing slash.</summary>
    public string BaseUrl => _server.BaseAddress.AbsoluteUri.TrimEnd('/');

    /// <summary>The body of error answers; a generic JSON message unless a test sets its own.</summary>
    public string AnswerBody { get; set; } = "{\"message\":\"test receiver says no\"}";

    public static async Task<TestReceiver> StartAsync()
    {
        var receiver = new TestReceiver();
        receiver._server = await LocalHttpServer.StartAsync(receiver.HandleAsync);
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

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(Testing.ReceivedRequest request, HttpContext context)
    {
        var form = context.Request.HasFormContentType
            ? QueryHelpers.ParseQuery(request.BodyText).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal)
            : null;
        Requests.Enqueue(new ReceivedRequest(
            request.Method,
            request.Path,
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value, StringComparer.Ordinal),
            request.Body,
            form));
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
