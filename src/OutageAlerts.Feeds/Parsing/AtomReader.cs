using System.Xml.Linq;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>Atom 1.0 and 0.3 (and namespace-less or oddly-namespaced "feed" documents read as Atom).</summary>
internal static class AtomReader
{
    public static ParsedFeed Read(XElement root, string format, Uri? documentBase)
    {
        var ns = root.Name.Namespace;
        string? title = null, feedAuthor = null, dcLanguage = null;
        foreach (var child in root.Elements())
        {
            if (child.Name == ns + "title")
            {
                title ??= ElementText.AtomConstruct(child);
            }
            else if (child.Name == ns + "author")
            {
                feedAuthor ??= PersonName(child, ns);
            }
            else if (FeedNamespaces.IsDublinCore(child.Name.NamespaceName) && child.Name.LocalName == "language")
            {
                dcLanguage ??= RssReader.Language(child.Value);
            }
        }

        var language = RssReader.Language(root.Attribute(XNamespace.Xml + "lang")?.Value) ?? dcLanguage;
        var items = root.Elements(ns + "entry").Select(e => ReadEntry(e, ns, feedAuthor, documentBase)).ToList();
        return new ParsedFeed(format, title, SelectLink(root, ns, documentBase), language, items);
    }

    private static FeedItem ReadEntry(XElement entry, XNamespace ns, string? feedAuthor, Uri? documentBase)
    {
        var builder = new FeedItemBuilder();
        DateTimeOffset? created = null;
        string? dcCreator = null;
        foreach (var child in entry.Elements())
        {
            if (child.Name.Namespace != ns)
            {
                ReadExtension(child, builder, ref dcCreator, documentBase);
                continue;
            }

            switch (child.Name.LocalName)
            {
                case "id":
                    builder.Id ??= AtomId(child, documentBase);
                    break;
                case "title":
                    builder.Title ??= ElementText.AtomConstruct(child);
                    break;
                case "summary":
                    builder.Summary ??= ElementText.AtomConstruct(child);
                    break;
                case "content" when ElementText.Attribute(child, "src") is null:
                    builder.Content ??= ElementText.AtomConstruct(child);
                    break;

                // When a date element repeats, the last one wins (as in feedparser).
                case "published" or "issued":
                    builder.Published = FeedDates.Parse(child.Value) ?? builder.Published;
                    break;
                case "created":
                    created ??= FeedDates.Parse(child.Value);
                    break;
                case "updated" or "modified":
                    builder.Updated = FeedDates.Parse(child.Value) ?? builder.Updated;
                    break;
                case "author":
                    builder.Author ??= PersonName(child, ns);
                    break;
                case "link" when IsRel(child, "enclosure"):
                    builder.AddEnclosure(FeedUris.Resolve(ElementText.Attribute(child, "href"), child, documentBase));
                    break;
            }
        }

        builder.Link = SelectLink(entry, ns, documentBase);
        builder.Published ??= created;

        // RFC 4287 §4.2.1: an entry without an author has the feed's.
        builder.Author ??= dcCreator ?? feedAuthor;
        return builder.Build();
    }

    private static void ReadExtension(XElement child, FeedItemBuilder builder, ref string? dcCreator, Uri? documentBase)
    {
        var ns = child.Name.NamespaceName;
        var name = child.Name.LocalName;
        if (FeedNamespaces.IsDublinCore(ns) && name is "creator" or "author")
        {
            dcCreator ??= ElementText.AuthorName(child.Value);
        }
        else if (FeedNamespaces.IsMedia(ns) && name == "content")
        {
            builder.AddEnclosure(FeedUris.Resolve(ElementText.Attribute(child, "url"), child, documentBase));
        }
        else if (FeedNamespaces.IsMedia(ns) && name == "group")
        {
            foreach (var content in child.Elements().Where(e => e.Name.LocalName == "content"))
            {
                builder.AddEnclosure(FeedUris.Resolve(ElementText.Attribute(content, "url"), content, documentBase));
            }
        }
    }

    // The first alternate link (rel missing means alternate). Atom 0.3 feeds sometimes put the address in the
    // element's text instead of href.
    private static string? SelectLink(XElement parent, XNamespace ns, Uri? documentBase)
    {
        foreach (var link in parent.Elements(ns + "link"))
        {
            var rel = ElementText.Attribute(link, "rel")?.Trim();
            if (!string.IsNullOrEmpty(rel) && !string.Equals(rel, "alternate", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = ElementText.Attribute(link, "href") ?? link.Value;
            var resolved = FeedUris.Resolve(value, link, documentBase);
            if (resolved is not null)
            {
                return resolved;
            }
        }

        return null;
    }

    // Ids must be absolute IRIs; a path-like relative one is resolved like any other reference under xml:base.
    private static string? AtomId(XElement id, Uri? documentBase)
    {
        var value = HtmlText.CollapseWhiteSpace(id.Value);
        return value is not null && (value.StartsWith('/') || value.StartsWith("./", StringComparison.Ordinal)
            || value.StartsWith("../", StringComparison.Ordinal))
            ? FeedUris.Resolve(value, id, documentBase) ?? value
            : value;
    }

    private static bool IsRel(XElement link, string rel) =>
        string.Equals(ElementText.Attribute(link, "rel")?.Trim(), rel, StringComparison.OrdinalIgnoreCase);

    private static string? PersonName(XElement person, XNamespace ns)
    {
        var name = person.Element(ns + "name");
        return name is not null
            ? HtmlText.CollapseWhiteSpace(name.Value)
            : person.HasElements ? null : ElementText.AuthorName(person.Value);
    }
}
