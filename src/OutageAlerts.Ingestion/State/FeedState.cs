namespace OutageAlerts.Ingestion.State;

public enum FeedStatus
{
    Active,

    /// <summary>
    /// Recent polls failed or the server asked to come back later (429/503 Retry-After): polls are skipped until
    /// <see cref="FeedState.NextPollAfter"/>.
    /// </summary>
    BackingOff,

    /// <summary>
    /// Too many consecutive parse failures: not polled until the cool-down in <see cref="FeedState.NextPollAfter"/>
    /// has passed or an operator resumes it.
    /// </summary>
    Paused,

    /// <summary>The server answered 410 Gone: not polled again until an operator re-enables it.</summary>
    Disabled,
}

/// <summary>What the store remembers of a feed between polls; visible to operators.</summary>
public sealed record FeedState
{
    public required string Feed { get; init; }
    public string? ETag { get; init; }
    public DateTimeOffset? LastModified { get; init; }
    public DateTimeOffset? LastPolled { get; init; }
    public DateTimeOffset? LastSuccess { get; init; }
    public string? LastError { get; init; }
    public int ConsecutiveFailures { get; init; }

    /// <summary>Of <see cref="ConsecutiveFailures"/>, those where the body arrived but could not be parsed.</summary>
    public int ConsecutiveParseFailures { get; init; }

    public long Polls { get; init; }
    public FeedStatus Status { get; init; } = FeedStatus.Active;

    /// <summary>Why the feed is in its <see cref="Status"/>, in words for operators.</summary>
    public string? StatusReason { get; init; }

    /// <summary>Scheduled polls before this instant are skipped (back-off, Retry-After, pause cool-down).</summary>
    public DateTimeOffset? NextPollAfter { get; init; }
}
