using System.Globalization;
using System.Text.Json;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>
/// GDELT DOC 2.0 article lists (<c>https://api.gdeltproject.org/api/v2/doc/doc?mode=ArtList&amp;format=json</c>):
/// <c>{ "articles": [ { "url", "title", "seendate", "domain", "language", "sourcecountry", … } ] }</c>. Articles
/// have no id and no summary; the canonical URL is their identity and the title is what there is to classify.
/// </summary>
internal static class GdeltReader
{
    public const string Format = "gdelt";

    private const string GdeltHostSuffix = "gdeltproject.org";

    public static bool Recognizes(JsonElement root, Uri? baseUri) =>
        (root.TryGetProperty("articles", out var articles) && articles.ValueKind == JsonValueKind.Array)
        // A query that matches nothing is answered with a bare {}; from GDELT's host that is an empty list.
        || (!root.EnumerateObject().Any() && IsGdeltHost(baseUri));

    public static ParsedFeed Read(JsonElement root, Uri? baseUri)
    {
        var items = new List<FeedItem>();
        if (root.TryGetProperty("articles", out var articles) && articles.ValueKind == JsonValueKind.Array)
        {
            foreach (var article in articles.EnumerateArray())
            {
                if (article.ValueKind == JsonValueKind.Object)
                {
                    items.Add(new FeedItemBuilder
                    {
                        Title = HtmlText.FromHtml(JsonFeedReader.String(article, "title")),
                        Link = FeedUris.Resolve(JsonFeedReader.String(article, "url"), baseUri),
                        Published = SeenDate(JsonFeedReader.String(article, "seendate")),
                        Author = HtmlText.CollapseWhiteSpace(JsonFeedReader.String(article, "domain")),
                    }.Build());
                }
            }
        }

        return new ParsedFeed(Format, null, null, null, items);
    }

    // GDELT writes ISO 8601 basic format (20250101T120000Z), which the general date reader does not take.
    private static DateTimeOffset? SeenDate(string? value)
    {
        var text = value?.Trim();
        return DateTimeOffset.TryParseExact(
            text,
            ["yyyyMMdd'T'HHmmss'Z'", "yyyyMMddHHmmss", "yyyyMMdd'T'HHmmss"],
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var date)
            ? date
            : FeedDates.Parse(text);
    }

    private static bool IsGdeltHost(Uri? uri) =>
        uri is { IsAbsoluteUri: true }
        && (uri.Host.Equals(GdeltHostSuffix, StringComparison.OrdinalIgnoreCase)
            || uri.Host.EndsWith("." + GdeltHostSuffix, StringComparison.OrdinalIgnoreCase));
}
