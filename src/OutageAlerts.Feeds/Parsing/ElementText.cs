using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>Plain text out of feed elements, whichever way their content is encoded.</summary>
internal static partial class ElementText
{
    /// <summary>Literal text; child elements, if any, are flattened.</summary>
    public static string? Plain(XElement element) =>
        element.HasElements ? Flatten(element) : HtmlText.CollapseWhiteSpace(element.Value);

    /// <summary>Content that is HTML, escaped or (in sloppy feeds) inline.</summary>
    public static string? Html(XElement element) =>
        HtmlText.FromHtml(element.HasElements ? InnerXml(element) : element.Value);

    /// <summary>Inline XHTML (or other XML); escaped markup when the element has no children.</summary>
    public static string? Xhtml(XElement element) =>
        element.HasElements ? Flatten(element) : HtmlText.FromHtml(element.Value);

    /// <summary>An RSS text element: RSS never says, and in practice it is HTML, escaped or inline.</summary>
    public static string? Rss(XElement element) => element.HasElements ? Flatten(element) : Html(element);

    /// <summary>An Atom 1.0 or 0.3 text construct, honouring type and (0.3) mode.</summary>
    public static string? AtomConstruct(XElement element)
    {
        var type = (Attribute(element, "type") ?? string.Empty).Trim().ToLowerInvariant();
        var mode = (Attribute(element, "mode") ?? string.Empty).Trim().ToLowerInvariant();
        var isText = type is "" or "text" or "text/plain";
        var isHtml = type is "html" or "text/html";
        var isXml = type is "xhtml" || type.EndsWith("+xml", StringComparison.Ordinal)
            || type.EndsWith("/xml", StringComparison.Ordinal);

        if (mode == "base64")
        {
            var decoded = DecodeBase64(element.Value);
            return decoded is null ? null : isText ? HtmlText.CollapseWhiteSpace(decoded) : HtmlText.FromHtml(decoded);
        }

        if (mode == "escaped")
        {
            return isText ? HtmlText.CollapseWhiteSpace(element.Value) : Html(element);
        }

        if (isText)
        {
            return Plain(element);
        }

        if (isHtml)
        {
            return Html(element);
        }

        if (isXml)
        {
            return Xhtml(element);
        }

        // Other text/* types are readable as they are; binary media types have no text to offer.
        return type.StartsWith("text/", StringComparison.Ordinal) ? Plain(element) : null;
    }

    public static string? Attribute(XElement element, string localName)
    {
        foreach (var attribute in element.Attributes())
        {
            if (string.Equals(attribute.Name.LocalName, localName, StringComparison.OrdinalIgnoreCase)
                && (attribute.Name.Namespace == XNamespace.None || attribute.Name.Namespace == element.Name.Namespace))
            {
                return attribute.Value;
            }
        }

        return null;
    }

    public static string? AnyAttribute(XElement element, string localName)
    {
        foreach (var attribute in element.Attributes())
        {
            if (string.Equals(attribute.Name.LocalName, localName, StringComparison.OrdinalIgnoreCase))
            {
                return attribute.Value;
            }
        }

        return null;
    }

    /// <summary>The name in "Jane Doe (jane@example.com)", "jane@example.com (Jane Doe)" or "Jane &lt;jane@…&gt;".</summary>
    public static string? AuthorName(string? raw)
    {
        var text = HtmlText.CollapseWhiteSpace(raw);
        if (text is null)
        {
            return null;
        }

        var email = EmailPattern().Match(text);
        if (!email.Success)
        {
            return text;
        }

        var rest = text.Remove(email.Index, email.Length).Replace("mailto:", string.Empty, StringComparison.OrdinalIgnoreCase);
        rest = EmptyBrackets().Replace(rest, " ").Trim();
        if (rest.Length > 1 && ((rest[0] == '(' && rest[^1] == ')') || (rest[0] == '<' && rest[^1] == '>')))
        {
            rest = rest[1..^1].Trim();
        }

        return rest.Length == 0 ? email.Value : HtmlText.CollapseWhiteSpace(rest);
    }

    private static string InnerXml(XElement element)
    {
        var sb = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            sb.Append(node is XText text ? System.Net.WebUtility.HtmlEncode(text.Value) : node.ToString(SaveOptions.DisableFormatting));
        }

        return sb.ToString();
    }

    private static string? Flatten(XElement element)
    {
        var sb = new StringBuilder();
        AppendFlattened(element, sb);
        return HtmlText.CollapseWhiteSpace(sb.ToString());
    }

    private static void AppendFlattened(XElement element, StringBuilder sb)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText text:
                    sb.Append(text.Value);
                    break;
                case XElement child when HtmlText.IsSkippedElement(child.Name.LocalName):
                    break;
                case XElement child when HtmlText.IsBlockElement(child.Name.LocalName):
                    sb.Append(' ');
                    AppendFlattened(child, sb);
                    sb.Append(' ');
                    break;
                case XElement child:
                    AppendFlattened(child, sb);
                    break;
            }
        }
    }

    private static string? DecodeBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var written)
            ? Encoding.UTF8.GetString(buffer, 0, written)
            : null;
    }

    [GeneratedRegex("""[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+""", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex("""\(\s*\)|<\s*>|\[\s*\]""", RegexOptions.CultureInvariant)]
    private static partial Regex EmptyBrackets();
}
