using System.Net;
using System.Text.RegularExpressions;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>
/// Public Telegram channel previews (<c>https://t.me/s/&lt;channel&gt;</c>), an HTML page where each post is an
/// element with class <c>tgme_widget_message</c> and a <c>data-post="channel/123"</c> attribute, holding the text in
/// <c>tgme_widget_message_text</c> and the time in <c>&lt;time datetime=…&gt;</c>. The page is HTML, not XML, so it
/// is scanned tag by tag rather than loaded as a tree; anything missing leaves the field null.
/// </summary>
internal static partial class TelegramReader
{
    public const string Format = "telegram";

    private const string MessageMarker = "tgme_widget_message";
    private const string TelegramOrigin = "https://t.me/";
    private const int TitleLength = 140;

    /// <summary>True for an HTML document carrying channel-preview messages.</summary>
    public static bool Recognizes(string text) =>
        text.Contains(MessageMarker, StringComparison.Ordinal)
        && (text.Contains("<html", StringComparison.OrdinalIgnoreCase) || text.Contains("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || text.Contains("data-post=", StringComparison.Ordinal));

    public static ParsedFeed Read(string html, Uri? baseUri)
    {
        var starts = new List<(int Index, string Post)>();
        foreach (Match tag in OpenTag().Matches(html))
        {
            var attributes = tag.Groups["attrs"].Value;
            if (HasClass(attributes, MessageMarker) && Attribute(attributes, "data-post") is { Length: > 0 } post)
            {
                starts.Add((tag.Index, post));
            }
        }

        var items = new List<FeedItem>(starts.Count);
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1].Index : html.Length;
            items.Add(ReadMessage(html, starts[i].Index, end, starts[i].Post, baseUri));
        }

        var title = Meta(html, "og:title") ?? ElementText(html, 0, html.Length, "tgme_channel_info_header_title");
        var link = LinkRel(html, "canonical") ?? baseUri?.AbsoluteUri;
        return new ParsedFeed(Format, HtmlText.FromHtml(title), FeedUris.Resolve(link, baseUri), null, items);
    }

    private static FeedItem ReadMessage(string html, int start, int end, string post, Uri? baseUri)
    {
        // The post's own text; a quoted reply sits in a different class, so it is not mistaken for it.
        var textHtml = InnerHtml(html, start, end, "tgme_widget_message_text");
        var text = HtmlText.FromHtml(textHtml);
        var dateLink = FindTag(html, start, end, "tgme_widget_message_date");
        var permalink = dateLink is { } a ? Attribute(a.Attributes, "href") : null;
        var builder = new FeedItemBuilder
        {
            Id = post,
            Title = TitleOf(textHtml),
            Link = FeedUris.Resolve(permalink, baseUri) ?? TelegramOrigin + post.TrimStart('/'),
            Content = text,
            Published = FeedDates.Parse(TimeOf(html, dateLink?.Index ?? start, end) ?? TimeOf(html, start, end)),
            Author = HtmlText.FromHtml(ElementText(html, start, end, "tgme_widget_message_owner_name")),
        };

        foreach (Match photo in PhotoUrl().Matches(html[start..end]))
        {
            builder.AddEnclosure(FeedUris.Resolve(WebUtility.HtmlDecode(photo.Groups["url"].Value), baseUri));
        }

        return builder.Build();
    }

    // Posts have no title: the first line of the text, shortened at a word, stands in for one.
    private static string? TitleOf(string? textHtml)
    {
        if (textHtml is null)
        {
            return null;
        }

        var firstLine = LineBreak().Split(textHtml).Select(HtmlText.FromHtml).FirstOrDefault(l => l is not null);
        if (firstLine is null || firstLine.Length <= TitleLength)
        {
            return firstLine;
        }

        var cut = firstLine.LastIndexOf(' ', TitleLength);
        return string.Concat(firstLine.AsSpan(0, cut > TitleLength / 2 ? cut : TitleLength), "…");
    }

    private static string? TimeOf(string html, int start, int end)
    {
        foreach (Match tag in OpenTag().Matches(html, start))
        {
            if (tag.Index >= end)
            {
                break;
            }

            if (tag.Groups["name"].Value.Equals("time", StringComparison.OrdinalIgnoreCase)
                && Attribute(tag.Groups["attrs"].Value, "datetime") is { } datetime)
            {
                return datetime;
            }
        }

        return null;
    }

    private static (int Index, int End, string Name, string Attributes)? FindTag(string html, int start, int end, string cssClass)
    {
        foreach (Match tag in OpenTag().Matches(html, start))
        {
            if (tag.Index >= end)
            {
                break;
            }

            if (HasClass(tag.Groups["attrs"].Value, cssClass))
            {
                return (tag.Index, tag.Index + tag.Length, tag.Groups["name"].Value, tag.Groups["attrs"].Value);
            }
        }

        return null;
    }

    private static string? ElementText(string html, int start, int end, string cssClass) =>
        InnerHtml(html, start, end, cssClass) is { } inner ? HtmlText.FromHtml(inner) : null;

    // The markup between the element's start tag and its matching end tag, counting nested elements of its name.
    private static string? InnerHtml(string html, int start, int end, string cssClass)
    {
        if (FindTag(html, start, end, cssClass) is not { } open)
        {
            return null;
        }

        if (open.Attributes.TrimEnd().EndsWith('/'))
        {
            return null;
        }

        var depth = 1;
        foreach (Match tag in AnyTag().Matches(html, open.End))
        {
            if (tag.Index >= end)
            {
                break;
            }

            if (!tag.Groups["name"].Value.Equals(open.Name, StringComparison.OrdinalIgnoreCase)
                || (!tag.Groups["close"].Success && tag.Value.EndsWith("/>", StringComparison.Ordinal)))
            {
                continue;
            }

            depth += tag.Groups["close"].Success ? -1 : 1;
            if (depth == 0)
            {
                return html[open.End..tag.Index];
            }
        }

        // Unclosed: the rest of this message is the best guess.
        return html[open.End..end];
    }

    private static string? Meta(string html, string property)
    {
        foreach (Match tag in OpenTag().Matches(html))
        {
            var attributes = tag.Groups["attrs"].Value;
            if (tag.Groups["name"].Value.Equals("meta", StringComparison.OrdinalIgnoreCase)
                && string.Equals(Attribute(attributes, "property") ?? Attribute(attributes, "name"), property, StringComparison.OrdinalIgnoreCase))
            {
                return Attribute(attributes, "content");
            }
        }

        return null;
    }

    private static string? LinkRel(string html, string rel)
    {
        foreach (Match tag in OpenTag().Matches(html))
        {
            var attributes = tag.Groups["attrs"].Value;
            if (tag.Groups["name"].Value.Equals("link", StringComparison.OrdinalIgnoreCase)
                && string.Equals(Attribute(attributes, "rel"), rel, StringComparison.OrdinalIgnoreCase))
            {
                return Attribute(attributes, "href");
            }
        }

        return null;
    }

    private static bool HasClass(string attributes, string cssClass) =>
        Attribute(attributes, "class") is { } classes
        && classes.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Contains(cssClass, StringComparer.Ordinal);

    private static string? Attribute(string attributes, string name)
    {
        foreach (Match attribute in AttributePattern().Matches(attributes))
        {
            if (attribute.Groups["name"].Value.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return WebUtility.HtmlDecode(attribute.Groups["value"].Value);
            }
        }

        return null;
    }

    // Bounded, backtracking-free patterns: the page comes from the network and may be hostile.
    [GeneratedRegex(@"<(?<name>[a-zA-Z][a-zA-Z0-9:-]*)(?<attrs>(?:[^>""']|""[^""]*""|'[^']*')*)>", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex OpenTag();

    [GeneratedRegex(@"<(?<close>/)?(?<name>[a-zA-Z][a-zA-Z0-9:-]*)(?=[\s/>])[^>]*>", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"(?<name>[a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:""(?<value>[^""]*)""|'(?<value>[^']*)'|(?<value>[^\s""'>]+))", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AttributePattern();

    [GeneratedRegex(@"<br\s*/?>|</p>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"background-image:\s*url\(\s*['""]?(?<url>[^'"")\s]+)['""]?\s*\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex PhotoUrl();
}
