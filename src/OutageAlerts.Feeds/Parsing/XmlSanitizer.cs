using System.Globalization;
using System.Net;
using System.Text;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>
/// Repairs the usual damage in real-world feed XML before it reaches XmlReader: HTML entities (&amp;nbsp;) that
/// XML does not define, bare ampersands, characters XML forbids, a misplaced XML declaration, and DOCTYPEs.
/// </summary>
/// <remarks>
/// The DOCTYPE is removed rather than processed, so no DTD, external entity or SYSTEM file is ever read. Simple
/// internal entities (plain text, no nested references) are still expanded by hand, within a size budget, because
/// feeds do declare them; anything else a DTD declares (nested entity bombs, external entities) stays literal text.
/// </remarks>
internal static class XmlSanitizer
{
    /// <summary>Largest replacement text of a declared internal entity that is expanded.</summary>
    internal const int MaxEntityValueLength = 4096;

    /// <summary>Total characters that declared entity expansion may add to a document.</summary>
    internal const int MaxEntityExpansionChars = 1 << 20;

    private const int MaxEntityNameLength = 64;

    public static string Sanitize(string xml)
    {
        var sb = new StringBuilder(xml.Length + 64);
        Dictionary<string, string>? declared = null;
        var expansionBudget = MaxEntityExpansionChars;
        var start = SkipLeadingJunk(xml);
        var i = start;
        while (i < xml.Length)
        {
            var c = xml[i];
            if (c == '<')
            {
                i = CopyMarkup(xml, i, sb, ref declared);
                continue;
            }

            if (c == '&')
            {
                i = FixReference(xml, i, sb, declared, ref expansionBudget);
                continue;
            }

            // Most of a feed needs nothing done: it is copied a run at a time, not character by character (issue 10:
            // this loop was the largest managed frame of the load harness's processor samples).
            var run = i;
            while (i < xml.Length && IsPlainXmlChar(xml[i]) && xml[i] is not ('<' or '&'))
            {
                i++;
            }

            if (i > run)
            {
                sb.Append(xml, run, i - run);
                continue;
            }

            if (IsXmlChar(xml, i, out var width))
            {
                sb.Append(xml, i, width);
                i += width;
            }
            else
            {
                i++;
            }
        }

        return sb.ToString();
    }

    private static int SkipLeadingJunk(string xml)
    {
        var i = 0;
        while (i < xml.Length && (char.IsWhiteSpace(xml[i]) || xml[i] == '\uFEFF' || xml[i] == '\0'))
        {
            i++;
        }

        return i;
    }

    // Copies comments, CDATA and processing instructions untouched (entities mean nothing inside them), drops
    // XML declarations and DOCTYPEs, and passes ordinary tags on to the caller's loop.
    private static int CopyMarkup(string xml, int i, StringBuilder sb, ref Dictionary<string, string>? declared)
    {
        var rest = xml.AsSpan(i);
        if (rest.StartsWith("<!--", StringComparison.Ordinal))
        {
            return CopyThrough(xml, i, "-->", sb);
        }

        if (rest.StartsWith("<![CDATA[", StringComparison.Ordinal))
        {
            return CopyThrough(xml, i, "]]>", sb);
        }

        if (rest.StartsWith("<?", StringComparison.Ordinal))
        {
            // The text is already decoded, and a declaration anywhere but the very start is fatal to XmlReader.
            if (rest.Length > 5 && rest[2..5].Equals("xml", StringComparison.OrdinalIgnoreCase)
                && (char.IsWhiteSpace(rest[5]) || rest[5] == '?'))
            {
                var close = xml.IndexOf("?>", i, StringComparison.Ordinal);
                return close < 0 ? xml.Length : close + 2;
            }

            return CopyThrough(xml, i, "?>", sb);
        }

        if (rest.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
        {
            return SkipDoctype(xml, i, ref declared);
        }

        sb.Append('<');
        return i + 1;
    }

    private static int CopyThrough(string xml, int i, string terminator, StringBuilder sb)
    {
        var close = xml.IndexOf(terminator, i, StringComparison.Ordinal);
        var end = close < 0 ? xml.Length : close + terminator.Length;
        for (var j = i; j < end;)
        {
            var run = j;
            while (j < end && IsPlainXmlChar(xml[j]))
            {
                j++;
            }

            if (j > run)
            {
                sb.Append(xml, run, j - run);
                continue;
            }

            if (IsXmlChar(xml, j, out var width))
            {
                sb.Append(xml, j, width);
                j += width;
            }
            else
            {
                j++;
            }
        }

        return end;
    }

    private static int SkipDoctype(string xml, int i, ref Dictionary<string, string>? declared)
    {
        var j = i + "<!DOCTYPE".Length;
        char? quote = null;
        while (j < xml.Length)
        {
            var c = xml[j];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '[')
            {
                var close = xml.IndexOf(']', j);
                if (close < 0)
                {
                    return xml.Length;
                }

                declared = ReadInternalEntities(xml.AsSpan(j + 1, close - j - 1));
                j = close;
            }
            else if (c == '>')
            {
                return j + 1;
            }

            j++;
        }

        return xml.Length;
    }

    // Only <!ENTITY name "literal"> with plain-text content is kept; parameter entities, external (SYSTEM/PUBLIC)
    // entities and values that reference other entities are ignored.
    private static Dictionary<string, string>? ReadInternalEntities(ReadOnlySpan<char> subset)
    {
        Dictionary<string, string>? result = null;
        var text = subset.ToString();
        var pos = 0;
        while (true)
        {
            var start = text.IndexOf("<!ENTITY", pos, StringComparison.Ordinal);
            if (start < 0)
            {
                break;
            }

            var j = start + "<!ENTITY".Length;
            pos = j;
            while (j < text.Length && char.IsWhiteSpace(text[j]))
            {
                j++;
            }

            if (j >= text.Length || text[j] == '%')
            {
                continue;
            }

            var nameStart = j;
            while (j < text.Length && IsNameChar(text[j]))
            {
                j++;
            }

            var name = text[nameStart..j];
            while (j < text.Length && char.IsWhiteSpace(text[j]))
            {
                j++;
            }

            if (name.Length == 0 || j >= text.Length || text[j] is not ('"' or '\''))
            {
                continue;
            }

            var quote = text[j];
            var valueEnd = text.IndexOf(quote, j + 1);
            if (valueEnd < 0)
            {
                break;
            }

            var value = text[(j + 1)..valueEnd];
            pos = valueEnd + 1;
            if (value.Length <= MaxEntityValueLength && value.IndexOfAny(['<', '&', '%']) < 0)
            {
                result ??= new Dictionary<string, string>(StringComparer.Ordinal);
                result.TryAdd(name, value);
            }
        }

        return result;
    }

    private static int FixReference(
        string xml, int i, StringBuilder sb, Dictionary<string, string>? declared, ref int expansionBudget)
    {
        var j = i + 1;
        if (j < xml.Length && xml[j] == '#')
        {
            return FixCharacterReference(xml, i, sb);
        }

        while (j < xml.Length && j - i <= MaxEntityNameLength && IsNameChar(xml[j]))
        {
            j++;
        }

        if (j == i + 1 || j >= xml.Length || xml[j] != ';')
        {
            sb.Append("&amp;");
            return i + 1;
        }

        var name = xml[(i + 1)..j];
        switch (name)
        {
            case "amp" or "lt" or "gt" or "quot" or "apos":
                sb.Append(xml, i, j - i + 1);
                return j + 1;
        }

        if (declared is not null && declared.TryGetValue(name, out var value) && value.Length <= expansionBudget)
        {
            expansionBudget -= value.Length;
            sb.Append(value);
            return j + 1;
        }

        var decoded = WebUtility.HtmlDecode("&" + name + ";");
        if (decoded.Length > 0 && decoded[0] != '&')
        {
            foreach (var rune in decoded.EnumerateRunes())
            {
                AppendCharRef(sb, rune.Value);
            }

            return j + 1;
        }

        // Unknown name: keep it visible as text rather than failing the whole feed.
        sb.Append("&amp;");
        return i + 1;
    }

    private static int FixCharacterReference(string xml, int i, StringBuilder sb)
    {
        var j = i + 2;
        var hex = j < xml.Length && xml[j] is 'x' or 'X';
        if (hex)
        {
            j++;
        }

        var digitsStart = j;
        while (j < xml.Length && j - digitsStart < 8 && (hex ? char.IsAsciiHexDigit(xml[j]) : char.IsAsciiDigit(xml[j])))
        {
            j++;
        }

        if (j == digitsStart || j >= xml.Length || xml[j] != ';')
        {
            sb.Append("&amp;");
            return i + 1;
        }

        var digits = xml.AsSpan(digitsStart, j - digitsStart);
        var style = hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        if (!int.TryParse(digits, style, CultureInfo.InvariantCulture, out var code))
        {
            return j + 1;
        }

        // HTML reads references to C1 controls as Windows-1252 (&#146; is a right quote); feeds follow HTML.
        if (code is >= 0x80 and <= 0x9F)
        {
            var mapped = FeedTextDecoder.Windows1252.GetString([(byte)code]);
            code = mapped[0];
        }

        if (IsXmlCodePoint(code))
        {
            AppendCharRef(sb, code);
        }

        return j + 1;
    }

    private static void AppendCharRef(StringBuilder sb, int code) =>
        sb.Append("&#x").Append(code.ToString("X", CultureInfo.InvariantCulture)).Append(';');

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':';

    private static bool IsXmlCodePoint(int code) =>
        code is 0x9 or 0xA or 0xD
        || code is >= 0x20 and <= 0xD7FF
        || code is >= 0xE000 and <= 0xFFFD
        || code is >= 0x10000 and <= 0x10FFFF;

    /// <summary>A character XML allows that is not half of a surrogate pair.</summary>
    private static bool IsPlainXmlChar(char c) =>
        c is (>= '\u0020' and < '\uD800') or '\t' or '\n' or '\r' or (>= '\uE000' and <= '\uFFFD');

    private static bool IsXmlChar(string s, int i, out int width)
    {
        var c = s[i];
        width = 1;
        if (char.IsHighSurrogate(c))
        {
            if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                width = 2;
                return true;
            }

            return false;
        }

        return !char.IsLowSurrogate(c) && IsXmlCodePoint(c);
    }
}
