using System.Xml.Linq;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>RSS 0.9x and 2.0, RSS 1.0 / 0.90 (RDF) and CDF, which share one shape: a channel and its items.</summary>
internal static class RssReader
{
    private static readonly XName RdfAbout = XName.Get("about", FeedNamespaces.Rdf);
    private static readonly XName RdfResource = XName.Get("resource", FeedNamespaces.Rdf);

    private enum Vocabulary
    {
        Other,
        Core,
        DublinCore,
        DublinCoreTerms,
        Content,
        Media,
        Atom,
        Xhtml,
        ITunes,
    }

    public static ParsedFeed Read(XElement root, string format, Uri? documentBase)
    {
        var core = new HashSet<string>(FeedNamespaces.RssCore, StringComparer.Ordinal) { root.Name.NamespaceName };
        var channel = IsNamed(root, core, "channel")
            ? root
            : root.Elements().FirstOrDefault(e => IsNamed(e, core, "channel"));
        if (channel is not null)
        {
            core.Add(channel.Name.NamespaceName);
        }

        string? title = null, dcTitle = null, link = null, atomLink = null, language = null;
        if (channel is not null)
        {
            foreach (var child in channel.Elements())
            {
                var (vocabulary, name) = Classify(child, core);
                switch (vocabulary, name)
                {
                    case (Vocabulary.Core, "title"):
                        title ??= ElementText.Rss(child);
                        break;
                    case (Vocabulary.DublinCore, "title"):
                        dcTitle ??= ElementText.Rss(child);
                        break;
                    case (Vocabulary.Core, "link"):
                        link ??= LinkValue(child, documentBase);
                        break;
                    case (Vocabulary.Atom, "link") when IsAlternate(child):
                        atomLink ??= FeedUris.Resolve(ElementText.Attribute(child, "href"), child, documentBase);
                        break;
                    case (Vocabulary.Core or Vocabulary.DublinCore, "language"):
                        language ??= Language(child.Value);
                        break;
                }
            }

            link ??= atomLink ?? FeedUris.Resolve(ElementText.Attribute(channel, "href"), channel, documentBase);
            language ??= Language(XmlLang(channel));
        }

        var items = new List<FeedItem>();
        CollectItems(root, core, documentBase, items);
        return new ParsedFeed(format, title ?? dcTitle, link, language, items);
    }

    private static void CollectItems(XElement parent, HashSet<string> core, Uri? documentBase, List<FeedItem> items)
    {
        foreach (var element in parent.Elements())
        {
            if (IsNamed(element, core, "item"))
            {
                items.Add(ReadItem(element, core, documentBase));
            }
            else
            {
                CollectItems(element, core, documentBase, items);
            }
        }
    }

    private static FeedItem ReadItem(XElement item, HashSet<string> core, Uri? documentBase)
    {
        var builder = new FeedItemBuilder();
        string? dcTitle = null, mediaTitle = null, atomLink = null, guid = null;
        string? dcDescription = null, itunesSummary = null, mediaDescription = null, secondSummary = null;
        string? encoded = null, xhtmlBody = null, fullItem = null, dcCreator = null, itunesAuthor = null;
        DateTimeOffset? issued = null, dcDate = null, modified = null;
        var guidIsPermaLink = true;

        foreach (var child in item.Elements())
        {
            var (vocabulary, name) = Classify(child, core);
            switch (vocabulary, name)
            {
                case (Vocabulary.Core, "title"):
                    builder.Title ??= ElementText.Rss(child);
                    break;
                case (Vocabulary.DublinCore, "title"):
                    dcTitle ??= ElementText.Rss(child);
                    break;
                case (Vocabulary.Media, "title"):
                    mediaTitle ??= ElementText.Rss(child);
                    break;
                case (Vocabulary.Core, "link"):
                    builder.Link ??= LinkValue(child, documentBase);
                    break;
                case (Vocabulary.Atom, "link"):
                    if (IsAlternate(child))
                    {
                        atomLink ??= FeedUris.Resolve(ElementText.Attribute(child, "href"), child, documentBase);
                    }
                    else if (IsRel(child, "enclosure"))
                    {
                        builder.AddEnclosure(FeedUris.Resolve(ElementText.Attribute(child, "href"), child, documentBase));
                    }

                    break;
                case (Vocabulary.Core, "guid"):
                    if (guid is null)
                    {
                        guid = HtmlText.CollapseWhiteSpace(child.Value);
                        guidIsPermaLink = !string.Equals(
                            ElementText.Attribute(child, "isPermaLink")?.Trim(), "false", StringComparison.OrdinalIgnoreCase);
                    }

                    break;

                // feedparser's rule, kept for compatibility: the first of description/summary is the summary and
                // the second, when there is no better content, the content.
                case (Vocabulary.Core, "description" or "summary" or "abstract"):
                    if (builder.Summary is null)
                    {
                        builder.Summary = ElementText.Rss(child);
                    }
                    else
                    {
                        secondSummary ??= ElementText.Rss(child);
                    }

                    break;
                case (Vocabulary.DublinCore, "description"):
                    dcDescription ??= ElementText.Rss(child);
                    break;
                case (Vocabulary.ITunes, "summary"):
                    itunesSummary ??= ElementText.Rss(child);
                    break;
                case (Vocabulary.Media, "description"):
                    mediaDescription ??= ElementText.Rss(child);
                    break;
                case (Vocabulary.Content, "encoded"):
                    encoded ??= ElementText.Html(child);
                    break;
                case (Vocabulary.Xhtml, "body" or "div") or (Vocabulary.Core, "body"):
                    xhtmlBody ??= ElementText.Xhtml(child);
                    break;
                case (Vocabulary.Core, "fullitem"):
                    fullItem ??= ElementText.Rss(child);
                    break;
                case (Vocabulary.Core, "pubdate"):
                    builder.Published ??= FeedDates.Parse(child.Value);
                    break;
                case (Vocabulary.DublinCoreTerms, "issued" or "created"):
                    issued ??= FeedDates.Parse(child.Value);
                    break;
                case (Vocabulary.DublinCore, "date"):
                    dcDate ??= FeedDates.Parse(child.Value);
                    break;
                case (Vocabulary.DublinCoreTerms, "modified"):
                    modified ??= FeedDates.Parse(child.Value);
                    break;
                case (Vocabulary.Core, "author"):
                    builder.Author ??= ElementText.AuthorName(child.Value);
                    break;
                case (Vocabulary.DublinCore, "creator" or "author"):
                    dcCreator ??= ElementText.AuthorName(child.Value);
                    break;
                case (Vocabulary.ITunes, "author"):
                    itunesAuthor ??= ElementText.AuthorName(child.Value);
                    break;
                case (Vocabulary.Core, "enclosure"):
                    builder.AddEnclosure(FeedUris.Resolve(ElementText.Attribute(child, "url"), child, documentBase));
                    break;
                case (Vocabulary.Media, "content"):
                    builder.AddEnclosure(FeedUris.Resolve(ElementText.Attribute(child, "url"), child, documentBase));
                    break;
                case (Vocabulary.Media, "group"):
                    foreach (var content in child.Elements().Where(e => FeedNamespaces.IsMedia(e.Name.NamespaceName)
                                 && e.Name.LocalName == "content"))
                    {
                        builder.AddEnclosure(FeedUris.Resolve(ElementText.Attribute(content, "url"), content, documentBase));
                    }

                    break;
            }
        }

        builder.Id = guid ?? HtmlText.CollapseWhiteSpace(item.Attribute(RdfAbout)?.Value);
        builder.Title ??= dcTitle ?? mediaTitle;
        builder.Link ??= atomLink
            ?? FeedUris.Resolve(ElementText.Attribute(item, "href"), item, documentBase)
            ?? (guidIsPermaLink && LooksLikeWebAddress(guid) ? guid : null);
        builder.Summary ??= dcDescription ?? itunesSummary ?? mediaDescription;
        builder.Content = encoded ?? xhtmlBody ?? fullItem ?? secondSummary;
        builder.Published ??= issued;
        builder.Updated = dcDate ?? modified ?? FeedDates.Parse(ElementText.Attribute(item, "lastmod"));
        builder.Author ??= dcCreator ?? itunesAuthor;
        return builder.Build();
    }

    private static string? LinkValue(XElement link, Uri? documentBase)
    {
        var text = HtmlText.CollapseWhiteSpace(link.Value)
            ?? ElementText.Attribute(link, "href")
            ?? link.Attribute(RdfResource)?.Value;
        return FeedUris.Resolve(text, link, documentBase);
    }

    private static bool IsAlternate(XElement link)
    {
        var rel = ElementText.Attribute(link, "rel")?.Trim();
        return string.IsNullOrEmpty(rel) || string.Equals(rel, "alternate", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsRel(XElement link, string rel) =>
        string.Equals(ElementText.Attribute(link, "rel")?.Trim(), rel, StringComparison.OrdinalIgnoreCase);

    private static bool LooksLikeWebAddress(string? value) =>
        value is not null
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string? XmlLang(XElement element) =>
        element.AncestorsAndSelf().Select(e => e.Attribute(XNamespace.Xml + "lang")?.Value).FirstOrDefault(v => v is not null);

    internal static string? Language(string? value)
    {
        var text = HtmlText.CollapseWhiteSpace(value);
        return text?.Replace('_', '-');
    }

    // RSS element names are matched without regard to case: feeds (and iTunes) write <pubdate>, <PubDate>, <TITLE>.
    private static (Vocabulary Vocabulary, string Name) Classify(XElement element, HashSet<string> core)
    {
        var ns = element.Name.NamespaceName;
        var name = element.Name.LocalName.ToLowerInvariant();
        Vocabulary vocabulary;
        if (core.Contains(ns))
        {
            vocabulary = Vocabulary.Core;
        }
        else if (FeedNamespaces.IsDublinCore(ns))
        {
            vocabulary = Vocabulary.DublinCore;
        }
        else if (ns == FeedNamespaces.DublinCoreTerms)
        {
            vocabulary = Vocabulary.DublinCoreTerms;
        }
        else if (ns == FeedNamespaces.Content)
        {
            vocabulary = Vocabulary.Content;
        }
        else if (FeedNamespaces.IsMedia(ns))
        {
            vocabulary = Vocabulary.Media;
        }
        else if (ns == FeedNamespaces.Atom10)
        {
            vocabulary = Vocabulary.Atom;
        }
        else if (ns == FeedNamespaces.Xhtml)
        {
            vocabulary = Vocabulary.Xhtml;
        }
        else if (FeedNamespaces.IsITunes(ns))
        {
            vocabulary = Vocabulary.ITunes;
        }
        else
        {
            vocabulary = Vocabulary.Other;
        }

        return (vocabulary, name);
    }

    private static bool IsNamed(XElement element, HashSet<string> core, string lowerName) =>
        core.Contains(element.Name.NamespaceName)
        && string.Equals(element.Name.LocalName, lowerName, StringComparison.OrdinalIgnoreCase);
}
