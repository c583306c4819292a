using System.Text.Json;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1).</summary>
internal static class JsonFeedReader
{
    private const string VersionPrefix = "https://jsonfeed.org/version/";

    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    /// <summary>Parses <paramref name="json"/> leniently (comments, trailing commas), bounded in depth.</summary>
    public static JsonDocument ParseDocument(string json)
    {
        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException ex)
        {
            throw new FeedParseException($"The document is not valid JSON: {ex.Message}", ex);
        }
    }

    public static ParsedFeed Read(JsonElement root, Uri? documentBase)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FeedParseException("The JSON document is not an object, so it is not a JSON Feed.");
        }

        var version = String(root, "version");
        var isJsonFeed = version?.StartsWith(VersionPrefix, StringComparison.OrdinalIgnoreCase) == true
            || version?.StartsWith("http://jsonfeed.org/version/", StringComparison.OrdinalIgnoreCase) == true;
        if (!isJsonFeed && !root.TryGetProperty("items", out _))
        {
            throw new FeedParseException(
                "The JSON document is none of the JSON formats read here (JSON Feed, ReliefWeb API reports, GDELT DOC article list).");
        }

        var format = version is not null && version.TrimEnd('/').EndsWith("1.1", StringComparison.Ordinal)
            ? "json11"
            : "json1";
        var baseUri = documentBase;
        var home = FeedUris.Resolve(String(root, "home_page_url"), baseUri);
        var items = new List<FeedItem>();
        if (root.TryGetProperty("items", out var itemsElement) && itemsElement.ValueKind == JsonValueKind.Array)
        {
            var feedAuthor = AuthorOf(root);
            foreach (var item in itemsElement.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object)
                {
                    items.Add(ReadItem(item, feedAuthor, baseUri));
                }
            }
        }

        return new ParsedFeed(
            format,
            HtmlText.CollapseWhiteSpace(String(root, "title")),
            home,
            RssReader.Language(String(root, "language")),
            items);
    }

    private static FeedItem ReadItem(JsonElement item, string? feedAuthor, Uri? baseUri)
    {
        var builder = new FeedItemBuilder
        {
            Id = IdOf(item),
            Title = HtmlText.CollapseWhiteSpace(String(item, "title")),
            Link = FeedUris.Resolve(String(item, "url") ?? String(item, "external_url"), baseUri),
            Summary = HtmlText.CollapseWhiteSpace(String(item, "summary")),
            Content = HtmlText.CollapseWhiteSpace(String(item, "content_text"))
                ?? HtmlText.FromHtml(String(item, "content_html")),
            Published = FeedDates.Parse(String(item, "date_published")),
            Updated = FeedDates.Parse(String(item, "date_modified")),
            Author = AuthorOf(item) ?? feedAuthor,
        };

        if (item.TryGetProperty("attachments", out var attachments) && attachments.ValueKind == JsonValueKind.Array)
        {
            foreach (var attachment in attachments.EnumerateArray())
            {
                if (attachment.ValueKind == JsonValueKind.Object)
                {
                    builder.AddEnclosure(FeedUris.Resolve(String(attachment, "url"), baseUri));
                }
            }
        }

        return builder.Build();
    }

    // Ids must be strings, but numbers are common in the wild.
    private static string? IdOf(JsonElement item)
    {
        if (!item.TryGetProperty("id", out var id))
        {
            return null;
        }

        return id.ValueKind switch
        {
            JsonValueKind.String => HtmlText.CollapseWhiteSpace(id.GetString()),
            JsonValueKind.Number => id.GetRawText(),
            _ => null,
        };
    }

    // 1.1 has an "authors" array; 1.0 a single "author" object.
    private static string? AuthorOf(JsonElement element)
    {
        if (element.TryGetProperty("authors", out var authors) && authors.ValueKind == JsonValueKind.Array)
        {
            foreach (var author in authors.EnumerateArray())
            {
                var name = author.ValueKind == JsonValueKind.Object ? HtmlText.CollapseWhiteSpace(String(author, "name")) : null;
                if (name is not null)
                {
                    return name;
                }
            }
        }

        return element.TryGetProperty("author", out var single) && single.ValueKind == JsonValueKind.Object
            ? HtmlText.CollapseWhiteSpace(String(single, "name"))
            : null;
    }

    internal static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
