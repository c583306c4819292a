using System.Globalization;
using System.Text.Json;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>
/// ReliefWeb API v2 report lists (<c>https://api.reliefweb.int/v2/reports?appname=…</c>): an object whose
/// <c>data</c> array holds <c>{ "id", "href", "fields": { … } }</c>. Only the fields the request asked for are
/// present, so every one is optional.
/// </summary>
internal static class ReliefWebReader
{
    public const string Format = "reliefweb";

    /// <summary>True when <paramref name="root"/> has the ReliefWeb API list shape (or is its error answer).</summary>
    public static bool Recognizes(JsonElement root)
    {
        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            // An empty list is still ReliefWeb when the envelope says so; a non-empty one must have "fields".
            var first = data.EnumerateArray().FirstOrDefault();
            return first.ValueKind == JsonValueKind.Object
                ? first.TryGetProperty("fields", out _)
                : root.TryGetProperty("totalCount", out _) || root.TryGetProperty("count", out _);
        }

        return root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("status", out _);
    }

    public static ParsedFeed Read(JsonElement root, Uri? baseUri)
    {
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new FeedParseException($"The ReliefWeb API answered with an error: {ErrorOf(root)}");
        }

        var items = new List<FeedItem>();
        foreach (var entry in data.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Object
                && entry.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                items.Add(ReadItem(entry, fields, baseUri));
            }
        }

        return new ParsedFeed(Format, null, null, null, items);
    }

    private static FeedItem ReadItem(JsonElement entry, JsonElement fields, Uri? baseUri)
    {
        var url = FeedUris.Resolve(JsonFeedReader.String(fields, "url"), baseUri);
        var alias = FeedUris.Resolve(JsonFeedReader.String(fields, "url_alias"), baseUri);
        var body = HtmlText.FromHtml(JsonFeedReader.String(fields, "body-html"))
            ?? HtmlText.CollapseWhiteSpace(JsonFeedReader.String(fields, "body"));
        var dates = fields.TryGetProperty("date", out var date) && date.ValueKind == JsonValueKind.Object ? date : default;
        var builder = new FeedItemBuilder
        {
            // The node URL never changes (the alias follows title edits) and is the same whichever query found the
            // report, so two ReliefWeb feeds that both list it yield one item.
            Id = url ?? JsonFeedReader.String(entry, "href") ?? IdOf(entry) ?? IdOf(fields),
            Title = HtmlText.CollapseWhiteSpace(JsonFeedReader.String(fields, "title")),
            Link = alias ?? url,
            Content = body,
            Published = Date(dates, "original") ?? Date(dates, "created"),
            Updated = Date(dates, "changed"),
            Author = FirstName(fields, "source"),
        };

        if (fields.TryGetProperty("file", out var files) && files.ValueKind == JsonValueKind.Array)
        {
            foreach (var file in files.EnumerateArray())
            {
                if (file.ValueKind == JsonValueKind.Object)
                {
                    builder.AddEnclosure(FeedUris.Resolve(JsonFeedReader.String(file, "url"), baseUri));
                }
            }
        }

        return builder.Build();
    }

    private static DateTimeOffset? Date(JsonElement dates, string name) =>
        dates.ValueKind == JsonValueKind.Object ? FeedDates.Parse(JsonFeedReader.String(dates, name)) : null;

    private static string? FirstName(JsonElement fields, string property)
    {
        if (!fields.TryGetProperty(property, out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Object
                && HtmlText.CollapseWhiteSpace(JsonFeedReader.String(entry, "name") ?? JsonFeedReader.String(entry, "shortname")) is { } name)
            {
                return name;
            }
        }

        return null;
    }

    private static string? IdOf(JsonElement element) =>
        element.TryGetProperty("id", out var id)
            ? id.ValueKind switch
            {
                JsonValueKind.String => HtmlText.CollapseWhiteSpace(id.GetString()),
                JsonValueKind.Number => id.GetRawText(),
                _ => null,
            }
            : null;

    private static string ErrorOf(JsonElement root)
    {
        var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number
            ? s.GetRawText()
            : "?";
        var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        var type = error.ValueKind == JsonValueKind.Object ? JsonFeedReader.String(error, "type") : null;
        var message = error.ValueKind == JsonValueKind.Object ? JsonFeedReader.String(error, "message") : null;
        return string.Create(CultureInfo.InvariantCulture, $"status {status}, {type ?? "error"}: {message ?? "no message"}");
    }
}
