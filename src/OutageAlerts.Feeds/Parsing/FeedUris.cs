using System.Xml.Linq;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>Resolves links against xml:base and the document's own address.</summary>
internal static class FeedUris
{
    private static readonly XName XmlBase = XNamespace.Xml + "base";

    // Links pass to e-mails, web pages and webhooks: script-bearing schemes are dropped.
    private static readonly HashSet<string> UnsafeSchemes = new(StringComparer.OrdinalIgnoreCase)
    {
        "javascript", "vbscript", "data",
    };

    /// <summary>The effective base of <paramref name="element"/>: every xml:base from the root down, applied in turn.</summary>
    public static Uri? BaseOf(XElement element, Uri? documentBase)
    {
        var chain = new List<string>();
        for (var e = element; e is not null; e = e.Parent)
        {
            var attribute = e.Attribute(XmlBase);
            if (attribute is not null)
            {
                chain.Add(attribute.Value.Trim());
            }
        }

        var current = documentBase;
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            current = Combine(current, chain[i]) ?? current;
        }

        return current;
    }

    /// <summary>Resolves <paramref name="reference"/> against <paramref name="baseUri"/>; null when unusable.</summary>
    public static string? Resolve(string? reference, Uri? baseUri)
    {
        var trimmed = reference?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var absolute) && !IsRootedFileGuess(trimmed, absolute))
        {
            return UnsafeSchemes.Contains(absolute.Scheme) ? null : trimmed;
        }

        var combined = Combine(baseUri, trimmed);
        if (combined is null)
        {
            return trimmed;
        }

        return UnsafeSchemes.Contains(combined.Scheme) ? null : combined.AbsoluteUri;
    }

    public static string? Resolve(string? reference, XElement context, Uri? documentBase) =>
        Resolve(reference, BaseOf(context, documentBase));

    private static Uri? Combine(Uri? baseUri, string reference)
    {
        if (Uri.TryCreate(reference, UriKind.Absolute, out var absolute) && !IsRootedFileGuess(reference, absolute))
        {
            return absolute;
        }

        if (baseUri is null || !baseUri.IsAbsoluteUri)
        {
            return null;
        }

        return Uri.TryCreate(baseUri, reference, out var combined) ? combined : null;
    }

    // On Unix, "/relative/uri" parses as an absolute file: URI; in a feed it is a path on the feed's host.
    private static bool IsRootedFileGuess(string text, Uri uri) =>
        uri.IsFile && !text.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
}
