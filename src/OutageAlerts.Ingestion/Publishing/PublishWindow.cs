using OutageAlerts.Contracts;

namespace OutageAlerts.Ingestion.Publishing;

/// <summary>
/// The alerts of one poll whose broker confirms are awaited together, in feed order, at most <c>capacity</c> at once.
/// Knows which items are done: an item without an alert at once, an item with one when its alert was confirmed.
/// Versions of one alert are published one after another, so that v2 never overtakes v1 on the way to the broker.
/// Not thread-safe: one poll uses it from one logical flow.
/// </summary>
internal sealed class PublishWindow(AlertPublisher publisher, int capacity)
{
    private readonly Queue<Task> _inFlight = new();
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, Task> _lastByAlert = new(StringComparer.Ordinal);

    /// <summary>An item that needs no publish (held, not a strike, too old) is done at once.</summary>
    public void Done(string itemKey, string? incidentId) => _entries.Add(new Entry(itemKey, incidentId, null));

    /// <summary>
    /// Starts publishing <paramref name="alert"/>; waits first for the oldest publish when the window is full, and
    /// throws if that one failed, so that a broker outage stops the poll instead of correlating on into it.
    /// </summary>
    public async Task PublishAsync(string itemKey, string? incidentId, Alert alert, CancellationToken cancellationToken)
    {
        while (_inFlight.Count >= capacity)
        {
            await _inFlight.Dequeue();
        }

        var previous = _lastByAlert.GetValueOrDefault(alert.AlertId);
        var publish = previous is null
            ? publisher.PublishAsync(alert, null, cancellationToken)
            : AfterAsync(previous, alert, cancellationToken);
        _lastByAlert[alert.AlertId] = publish;
        _inFlight.Enqueue(publish);
        _entries.Add(new Entry(itemKey, incidentId, publish));
    }

    /// <summary>Waits for every publish started; throws the first failure.</summary>
    public async Task CompleteAsync()
    {
        while (_inFlight.Count > 0)
        {
            await _inFlight.Dequeue();
        }
    }

    /// <summary>
    /// Waits until no publish is pending, whatever their outcome, and returns the items that are done: those without
    /// an alert and those whose alert the broker confirmed.
    /// </summary>
    public async Task<IReadOnlyCollection<(string ItemKey, string? AlertId)>> ConfirmedAsync()
    {
        var done = new List<(string ItemKey, string? AlertId)>(_entries.Count);
        foreach (var entry in _entries)
        {
            if (entry.Publish is { } publish)
            {
                try
                {
                    await publish;
                }
                catch (Exception)
                {
                    // Not confirmed: the item is processed again on the next poll. The failure itself reached the
                    // poll through PublishAsync or CompleteAsync.
                    continue;
                }
            }

            done.Add((entry.ItemKey, entry.IncidentId));
        }

        return done;
    }

    private async Task AfterAsync(Task previous, Alert alert, CancellationToken cancellationToken)
    {
        // A failed earlier version fails this one too: publishing v2 after v1 was lost would announce an update to
        // an alert subscribers never saw.
        await previous;
        await publisher.PublishAsync(alert, null, cancellationToken);
    }

    private sealed record Entry(string ItemKey, string? IncidentId, Task? Publish);
}
