namespace OutageAlerts.Incidents.Replay;

/// <summary>Simulated time for a replay: it stands still until the replay moves it to the next item or due message.</summary>
internal sealed class ReplayClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void MoveTo(DateTimeOffset instant)
    {
        // Time never runs backwards, even for items published without a date between dated ones.
        if (instant > _now)
        {
            _now = instant;
        }
    }
}
