using System.Text.Json;
using System.Xml.Linq;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>
/// Reads RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF, JSON Feed 1.0/1.1, ReliefWeb API v2 report lists, GDELT DOC 2.0
/// article lists and Telegram channel preview pages, all detected from the content. Tolerates what
/// real feeds get wrong (HTML entities, bare ampersands, legacy encodings, truncated documents) and never reads a
/// DTD or an external entity.
/// </summary>
public sealed class FeedParser : IFeedParser
{
    /// <summary>Documents larger than this are refused outright.</summary>
    public const int MaxDocumentBytes = 64 * 1024 * 1024;

    public ParsedFeed Parse(ReadOnlyMemory<byte> content, string? contentType = null, Uri? baseUri = null)
    {
        if (content.IsEmpty)
        {
            throw new FeedParseException("The document is empty.");
        }

        if (content.Length > MaxDocumentBytes)
        {
            throw new FeedParseException(
                $"The document is {content.Length} bytes, more than the {MaxDocumentBytes} bytes a feed may have.");
        }

        try
        {
            var (text, _) = FeedTextDecoder.Decode(content.Span, contentType);
            var first = FirstSignificantChar(text);
            return first switch
            {
                '{' => ParseJson(text, baseUri),
                '<' when TelegramReader.Recognizes(text) => TelegramReader.Read(text, baseUri),
                '<' => ParseXml(text, baseUri),
                null => throw new FeedParseException("The document contains only white space."),
                _ => throw new FeedParseException("The document is neither XML nor JSON."),
            };
        }
        catch (FeedParseException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The contract is one exception type for "this is not a readable feed", whatever broke inside.
            throw new FeedParseException($"The feed could not be parsed: {ex.Message}", ex);
        }
    }

    private static ParsedFeed ParseJson(string text, Uri? baseUri)
    {
        using var document = JsonFeedReader.ParseDocument(text);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object)
        {
            if (ReliefWebReader.Recognizes(root))
            {
                return ReliefWebReader.Read(root, baseUri);
            }

            if (GdeltReader.Recognizes(root, baseUri))
            {
                return GdeltReader.Read(root, baseUri);
            }
        }

        return JsonFeedReader.Read(root, baseUri);
    }

    private static ParsedFeed ParseXml(string text, Uri? baseUri)
    {
        var sanitized = XmlSanitizer.Sanitize(text);
        var root = XmlTreeLoader.Load(sanitized, out _);
        var ns = root.Name.NamespaceName;
        var name = root.Name.LocalName;
        if (name.Equals("rss", StringComparison.OrdinalIgnoreCase))
        {
            return RssReader.Read(root, RssFormat(root), baseUri);
        }

        if (name == "RDF")
        {
            var channelNs = root.Elements().FirstOrDefault(e => e.Name.LocalName == "channel")?.Name.NamespaceName;
            return RssReader.Read(root, channelNs == FeedNamespaces.Rss090 ? "rss090" : "rss10", baseUri);
        }

        if (name == "feed")
        {
            var version = root.Attribute("version")?.Value.Trim();
            var format = ns == FeedNamespaces.Atom10 ? "atom10"
                : ns == FeedNamespaces.Atom03 || version == "0.3" ? "atom03"
                : version is { Length: > 0 } ? "atom" + version.Replace(".", string.Empty, StringComparison.Ordinal)
                : "atom10";
            return AtomReader.Read(root, format, baseUri);
        }

        if (name.Equals("channel", StringComparison.OrdinalIgnoreCase))
        {
            return RssReader.Read(root, "cdf", baseUri);
        }

        throw new FeedParseException(
            $"The root element <{root.Name.LocalName}> is not a feed (expected rss, rdf:RDF, feed or channel).");
    }

    private static string RssFormat(XElement root)
    {
        var version = root.Attribute("version")?.Value.Trim();
        return version switch
        {
            "0.90" => "rss090",
            "0.91" => "rss091",
            "0.92" => "rss092",
            "0.93" => "rss093",
            "0.94" => "rss094",
            "2.0" or "2.00" or "2" or "2.0.1" or "2.01" => "rss20",
            _ => "rss",
        };
    }

    private static char? FirstSignificantChar(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && c != '\uFEFF' && c != '\0')
            {
                return c;
            }
        }

        return null;
    }
}
