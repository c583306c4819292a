namespace OutageAlerts.Feeds.Parsing;

/// <summary>A feed document reduced to what the pipeline needs (DESIGN.md contract 3). Text is plain text.</summary>
/// <param name="Format">Detected format, e.g. <c>rss20</c>, <c>atom10</c>.</param>
public sealed record ParsedFeed(
    string Format,
    string? Title,
    string? Link,
    string? Language,
    IReadOnlyList<FeedItem> Items);

/// <summary>One entry of a feed. Dates are UTC; missing values are null.</summary>
public sealed record FeedItem
{
    /// <summary>The item's guid/id as the feed gives it; null when the feed has none.</summary>
    public string? Id { get; init; }
    public string? Title { get; init; }
    public string? Link { get; init; }
    public string? Summary { get; init; }
    public string? Content { get; init; }
    public DateTimeOffset? Published { get; init; }
    public DateTimeOffset? Updated { get; init; }
    public string? Author { get; init; }
    public IReadOnlyList<string> Enclosures { get; init; } = [];
}
