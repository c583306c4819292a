namespace OutageAlerts.Ingestion.State;

public enum FeedStatus
{
    Active,

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
    public long Polls { get; init; }
    public FeedStatus Status { get; init; } = FeedStatus.Active;
    public string? StatusReason { get; init; }
}
