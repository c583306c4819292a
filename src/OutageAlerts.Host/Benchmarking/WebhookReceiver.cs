using System.Collections.Concurrent;
using System.Text.Json;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>One webhook as it arrived.</summary>
internal sealed record WebhookArrival(string ItemId, string AlertId, string Type, long At);

/// <summary>
/// The subscriber's endpoint: answers 200 at once and notes when each alert arrived (after its whole body was read),
/// keyed by the feed item it came from. <c>/raw</c> takes the raw-POST baseline's requests and only counts them.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    public const string HookPath = "hooks/bench";
    public const string RawPath = "raw";

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, WebhookArrival> _arrivals = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private LoopbackServer? _server;
    private long _received;
    private long _raw;
    private byte[]? _sample;
    private Waiter? _waiter;

    private WebhookReceiver(TimeProvider time) => _time = time;

    public Uri HookUrl => new(_server!.Addresses[0], HookPath);

    public Uri RawUrl => new(_server!.Addresses[0], RawPath);

    /// <summary>Every webhook received, this run's or not.</summary>
    public long Received => Interlocked.Read(ref _received);

    public long RawReceived => Interlocked.Read(ref _raw);

    /// <summary>The body of one real webhook, for the raw-POST baseline to send.</summary>
    public byte[]? Sample => Volatile.Read(ref _sample);

    public static async Task<WebhookReceiver> StartAsync(TimeProvider time)
    {
        var receiver = new WebhookReceiver(time);
        receiver._server = await LoopbackServer.StartAsync(["127.0.0.1"], receiver.HandleAsync);
        return receiver;
    }

    public WebhookArrival? Arrival(string itemId) => _arrivals.TryGetValue(itemId, out var arrival) ? arrival : null;

    /// <summary>Waits until every item in <paramref name="itemIds"/> arrived, or nothing arrived for <paramref name="idle"/>.</summary>
    /// <returns>How many of them arrived.</returns>
    public async Task<int> WaitForAsync(IReadOnlyCollection<string> itemIds, TimeSpan idle, CancellationToken cancellationToken)
    {
        // Counting arrivals by scanning every id on every signal made the harness itself quadratic in the burst size,
        // and its processor time was counted as the service's. The waiter is told of each arrival instead.
        var waiter = new Waiter(itemIds);
        Volatile.Write(ref _waiter, waiter);
        try
        {
            foreach (var id in itemIds)
            {
                if (_arrivals.ContainsKey(id))
                {
                    waiter.Arrived(id);
                }
            }

            while (waiter.Remaining > 0)
            {
                if (!await _signal.WaitAsync(idle, cancellationToken))
                {
                    break;
                }
            }

            return itemIds.Count - waiter.Remaining;
        }
        finally
        {
            Volatile.Write(ref _waiter, null);
        }
    }

    private const long MaxPresizedBody = 1 << 20;

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path == "/" + RawPath)
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            Interlocked.Increment(ref _raw);
            return;
        }

        // Sized from the header: grown from empty, the buffer was copied five times per webhook, all of it counted
        // as the service's allocations.
        using var body = new MemoryStream(context.Request.ContentLength is { } length and > 0 and < MaxPresizedBody ? (int)length : 0);
        await context.Request.Body.CopyToAsync(body);
        var at = _time.GetTimestamp();
        Interlocked.Increment(ref _received);
        if (Read(body.GetBuffer().AsMemory(0, (int)body.Length), at) is { } arrival)
        {
            if (_arrivals.TryAdd(arrival.ItemId, arrival) && Volatile.Read(ref _waiter) is { } waiter && waiter.Arrived(arrival.ItemId))
            {
                _signal.Release();
            }

            Interlocked.CompareExchange(ref _sample, body.ToArray(), null);
        }
    }

    private static WebhookArrival? Read(ReadOnlyMemory<byte> body, long at)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var data = root.GetProperty("data");
            var sources = data.GetProperty("sources");
            return sources.GetArrayLength() == 0
                ? null
                : new WebhookArrival(
                    sources[0].GetProperty("itemId").GetString() ?? "",
                    data.GetProperty("alertId").GetString() ?? "",
                    root.GetProperty("type").GetString() ?? "",
                    at);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _signal.Dispose();
    }

    /// <summary>The ids one <see cref="WaitForAsync"/> still waits for.</summary>
    private sealed class Waiter
    {
        private readonly ConcurrentDictionary<string, byte> _pending;
        private int _remaining;

        public Waiter(IEnumerable<string> itemIds)
        {
            _pending = new(itemIds.Select(id => KeyValuePair.Create(id, (byte)0)), StringComparer.Ordinal);
            _remaining = _pending.Count;
        }

        public int Remaining => Volatile.Read(ref _remaining);

        /// <returns>Whether <paramref name="itemId"/> was one still waited for.</returns>
        public bool Arrived(string itemId)
        {
            if (!_pending.TryRemove(itemId, out _))
            {
                return false;
            }

            Interlocked.Decrement(ref _remaining);
            return true;
        }
    }
}
