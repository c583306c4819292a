namespace OutageAlerts.Feeds.Fetching;

/// <summary>Fetches feed documents over http, https or file URLs, conditionally when validators are known.</summary>
public interface IFeedFetcher
{
    Task<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken);
}

/// <param name="Url">http, https or file URL.</param>
/// <param name="ETag">Validator from the previous successful fetch, sent as If-None-Match.</param>
/// <param name="LastModified">Validator from the previous successful fetch, sent as If-Modified-Since.</param>
/// <param name="Claim">
/// Asked once the host's fetch slot is held, right before the request goes out; false abandons the fetch
/// (<see cref="FetchStatus.Abandoned"/>, nothing sent). Replicas claim a poll here rather than before queueing for the
/// slot: a claim taken before a long wait let another replica's next, on-time claim succeed while the first fetch had
/// not been sent yet, and the feed was then fetched twice within a fraction of its interval.
/// </param>
public sealed record FetchRequest(
    Uri Url, string? ETag = null, DateTimeOffset? LastModified = null, Func<CancellationToken, Task<bool>>? Claim = null);

public enum FetchStatus
{
    /// <summary>A body was received.</summary>
    Ok,

    /// <summary>304: nothing changed since the validators.</summary>
    NotModified,

    /// <summary>410: the feed is gone for good and should be disabled.</summary>
    Gone,

    /// <summary>Anything else: network error, timeout, non-success status, oversized body.</summary>
    Failed,

    /// <summary>The request's <see cref="FetchRequest.Claim"/> said no: nothing was sent.</summary>
    Abandoned,
}

/// <summary>The outcome of one fetch. Never throws for remote failures; <see cref="Error"/> says what went wrong.</summary>
public sealed record FetchResult
{
    public required FetchStatus Status { get; init; }
    public required Uri Url { get; init; }

    /// <summary>
    /// The response's Content-Location, made absolute against <see cref="Url"/>: where the server says this
    /// representation lives, which is the document's base URI for relative links when present.
    /// </summary>
    public Uri? ContentLocation { get; init; }

    /// <summary>The URI relative links in the body resolve against: Content-Location when sent, else the URL fetched.</summary>
    public Uri BaseUri => ContentLocation ?? Url;
    public ReadOnlyMemory<byte> Body { get; init; }
    public string? ContentType { get; init; }
    public string? ETag { get; init; }
    public DateTimeOffset? LastModified { get; init; }
    public int? HttpStatus { get; init; }
    public TimeSpan? RetryAfter { get; init; }
    public string? Error { get; init; }
}
