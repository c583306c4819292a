namespace OutageAlerts.Feeds.Parsing;

/// <summary>Collects one item's fields while a reader walks its elements.</summary>
internal sealed class FeedItemBuilder
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Link { get; set; }
    public string? Summary { get; set; }
    public string? Content { get; set; }
    public DateTimeOffset? Published { get; set; }
    public DateTimeOffset? Updated { get; set; }
    public string? Author { get; set; }
    public List<string> Enclosures { get; } = [];

    public void AddEnclosure(string? url)
    {
        if (!string.IsNullOrEmpty(url) && !Enclosures.Contains(url, StringComparer.Ordinal))
        {
            Enclosures.Add(url);
        }
    }

    public FeedItem Build() => new()
    {
        Id = Id,
        Title = Title,
        Link = Link,
        // Items with only a body still get a summary (as feedparser does), so consumers can rely on one field.
        Summary = Summary ?? Content,
        Content = Content,
        Published = Published,
        Updated = Updated,
        Author = Author,
        Enclosures = Enclosures.ToArray(),
    };
}
