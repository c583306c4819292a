namespace OutageAlerts.Feeds.Parsing;

/// <summary>Namespace URIs of the feed vocabularies the readers understand.</summary>
internal static class FeedNamespaces
{
    public const string Atom10 = "http://www.w3.org/2005/Atom";
    public const string Atom03 = "http://purl.org/atom/ns#";
    public const string Rss10 = "http://purl.org/rss/1.0/";
    public const string Rss090 = "http://my.netscape.com/rdf/simple/0.9/";
    public const string Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    public const string Content = "http://purl.org/rss/1.0/modules/content/";
    public const string DublinCore = "http://purl.org/dc/elements/1.1/";
    public const string DublinCore10 = "http://purl.org/dc/elements/1.0/";
    public const string DublinCoreTerms = "http://purl.org/dc/terms/";
    public const string Media = "http://search.yahoo.com/mrss/";
    public const string ITunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    public const string Xhtml = "http://www.w3.org/1999/xhtml";
    public const string Xml = "http://www.w3.org/XML/1998/namespace";

    /// <summary>Namespaces some RSS 0.9x/2.0 publishers put the core elements in.</summary>
    public static readonly IReadOnlySet<string> RssCore = new HashSet<string>(StringComparer.Ordinal)
    {
        string.Empty,
        Rss10,
        Rss090,
        "http://backend.userland.com/rss2",
        "http://backend.userland.com/rss",
        "http://blogs.law.harvard.edu/tech/rss",
        "http://purl.org/net/rss1.1#",
    };

    public static bool IsDublinCore(string ns) => ns is DublinCore or DublinCore10;

    public static bool IsMedia(string ns) => ns.TrimEnd('/') == Media.TrimEnd('/');

    public static bool IsITunes(string ns) => string.Equals(ns, ITunes, StringComparison.OrdinalIgnoreCase);
}
