using System.Net;
using System.Text;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>Turns the markup found in feeds into the plain text the pipeline classifies.</summary>
internal static class HtmlText
{
    // Block-level elements separate words; inline ones (b, a, span…) must not, or "<b>x</b>y" would read "x y".
    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main", "nav", "ol",
        "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    };

    // Their content is never prose.
    private static readonly HashSet<string> SkippedElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template",
    };

    public static bool IsBlockElement(string localName) => BlockElements.Contains(localName);

    public static bool IsSkippedElement(string localName) => SkippedElements.Contains(localName);

    /// <summary>Strips tags, decodes entities and collapses white space; null when nothing is left.</summary>
    public static string? FromHtml(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return null;
        }

        if (html.IndexOf('<', StringComparison.Ordinal) < 0 && html.IndexOf('&', StringComparison.Ordinal) < 0)
        {
            return CollapseWhiteSpace(html);
        }

        var output = new StringBuilder(html.Length);
        var run = new StringBuilder();
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<' && TryReadMarkup(html, i, out var end, out var tagName, out var isClosing, out var cdata))
            {
                FlushRun(run, output);
                if (cdata is not null)
                {
                    output.Append(cdata);
                }
                else if (tagName is not null)
                {
                    if (!isClosing && SkippedElements.Contains(tagName))
                    {
                        end = SkipElementContent(html, end, tagName);
                    }
                    else if (BlockElements.Contains(tagName))
                    {
                        output.Append(' ');
                    }
                }

                i = end;
                continue;
            }

            run.Append(c);
            i++;
        }

        FlushRun(run, output);
        return CollapseWhiteSpace(output.ToString());
    }

    /// <summary>Collapses runs of white space to one space and drops control characters; null when empty.</summary>
    public static string? CollapseWhiteSpace(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in TextRepair.RepairMojibake(TextRepair.MapC1Controls(text)))
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (char.IsControl(c) || c == '\uFEFF' || c == '\u200B')
            {
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(c);
        }

        return sb.Length == 0 ? null : sb.ToString();
    }

    private static void FlushRun(StringBuilder run, StringBuilder output)
    {
        if (run.Length == 0)
        {
            return;
        }

        output.Append(TextRepair.MapC1Controls(WebUtility.HtmlDecode(run.ToString())));
        run.Clear();
    }

    // Recognises a comment, CDATA section, declaration or tag starting at start. Anything that does not look like
    // markup ("1 < 2", an unterminated "<!DOCTYPE") stays text, as browsers treat it.
    private static bool TryReadMarkup(
        string html, int start, out int end, out string? tagName, out bool isClosing, out string? cdata)
    {
        end = start;
        tagName = null;
        isClosing = false;
        cdata = null;
        if (start + 1 >= html.Length)
        {
            return false;
        }

        var next = html[start + 1];
        if (html.AsSpan(start).StartsWith("<!--", StringComparison.Ordinal))
        {
            var close = html.IndexOf("-->", start + 4, StringComparison.Ordinal);
            end = close < 0 ? html.Length : close + 3;
            return true;
        }

        if (html.AsSpan(start).StartsWith("<![CDATA[", StringComparison.Ordinal))
        {
            var close = html.IndexOf("]]>", start + 9, StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            cdata = html[(start + 9)..close];
            end = close + 3;
            return true;
        }

        if (next is '!' or '?')
        {
            // "<!DOCTYPE …>" or "<?php …?>" is markup; "<!' …" is text.
            var close = html.IndexOf('>', start + 2);
            var nextOpen = html.IndexOf('<', start + 2);
            if (close < 0 || (nextOpen >= 0 && nextOpen < close) || start + 2 >= html.Length
                || !char.IsAsciiLetter(html[start + 2]))
            {
                return false;
            }

            end = close + 1;
            return true;
        }

        var nameStart = start + 1;
        if (next == '/')
        {
            isClosing = true;
            nameStart++;
        }

        if (nameStart >= html.Length || !char.IsAsciiLetter(html[nameStart]))
        {
            return false;
        }

        var nameEnd = nameStart;
        while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] is ':' or '-' or '_'))
        {
            nameEnd++;
        }

        var tagEnd = FindTagEnd(html, nameEnd);
        if (tagEnd < 0)
        {
            return false;
        }

        var qualified = html[nameStart..nameEnd];
        var colon = qualified.LastIndexOf(':');
        tagName = colon >= 0 ? qualified[(colon + 1)..] : qualified;
        end = tagEnd + 1;
        return true;
    }

    // Attribute values may contain '>' (alt="a > b"), so quotes are honoured; an unbalanced quote falls back to
    // the first '>' so a sloppy attribute does not swallow the rest of the text.
    private static int FindTagEnd(string html, int from)
    {
        char? quote = null;
        for (var i = from; i < html.Length; i++)
        {
            var c = html[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            if (c is '"' or '\'' && i > 0 && html[i - 1] == '=')
            {
                quote = c;
                continue;
            }

            if (c == '>')
            {
                return i;
            }

            if (c == '<')
            {
                return -1;
            }
        }

        return quote is null ? -1 : html.IndexOf('>', from);
    }

    private static int SkipElementContent(string html, int from, string tagName)
    {
        var close = html.IndexOf("</" + tagName, from, StringComparison.OrdinalIgnoreCase);
        if (close < 0)
        {
            return html.Length;
        }

        var gt = html.IndexOf('>', close);
        return gt < 0 ? html.Length : gt + 1;
    }
}
