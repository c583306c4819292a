using System.Text;
using System.Text.RegularExpressions;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>
/// Decodes feed bytes to text: byte order mark, then the HTTP charset, then the XML declaration, then UTF-8, and,
/// when none of those fits the bytes, a guess between Windows-1251, KOI8-R and Windows-1252.
/// </summary>
internal static partial class FeedTextDecoder
{
    private const int DeclarationScanBytes = 1024;

    // Initialisers run in text order: this one registers the code pages every later lookup needs.
    public static Encoding Windows1252 { get; } = RegisterCodePages();

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    /// <summary>Returns the decoded text and the encoding chosen.</summary>
    public static (string Text, Encoding Encoding) Decode(ReadOnlySpan<byte> bytes, string? contentType)
    {
        var (bomEncoding, bomLength) = DetectBom(bytes);
        if (bomEncoding is not null)
        {
            // A BOM is the strongest signal there is; bytes that do not fit it become U+FFFD rather than a failure.
            return (bomEncoding.GetString(bytes[bomLength..]), bomEncoding);
        }

        var sniffed = SniffWideEncoding(bytes);
        if (sniffed is not null)
        {
            return (sniffed.GetString(bytes), sniffed);
        }

        foreach (var name in new[] { CharsetFromContentType(contentType), CharsetFromDeclaration(bytes) })
        {
            var encoding = Resolve(name);
            if (encoding is null)
            {
                continue;
            }

            if (encoding.CodePage == Encoding.UTF8.CodePage)
            {
                if (TryDecodeUtf8(bytes, out var utf8Text))
                {
                    return (utf8Text, encoding);
                }

                continue;
            }

            return (encoding.GetString(bytes), encoding);
        }

        if (TryDecodeUtf8(bytes, out var text))
        {
            return (text, Encoding.UTF8);
        }

        // A few stray bytes in otherwise good UTF-8 cost a replacement character each, not the whole document.
        if (IsMostlyUtf8(bytes))
        {
            return (Encoding.UTF8.GetString(bytes), Encoding.UTF8);
        }

        var guessed = GuessLegacyEncoding(bytes);
        return (guessed.GetString(bytes), guessed);
    }

    private static Encoding RegisterCodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }

    internal static string? CharsetFromContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var match = CharsetParameter().Match(contentType);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string? CharsetFromDeclaration(ReadOnlySpan<byte> bytes)
    {
        var head = bytes[..Math.Min(bytes.Length, DeclarationScanBytes)];
        var ascii = Encoding.Latin1.GetString(head);
        var start = ascii.IndexOf("<?xml", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var end = ascii.IndexOf("?>", start, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        var match = EncodingPseudoAttribute().Match(ascii, start, end - start);
        return match.Success ? match.Groups[1].Value : null;
    }

    // Labels that mean "single-byte Western" are read as Windows-1252, as browsers do, so smart quotes in
    // 0x80-0x9F come out as quotes; UTF-16/32 labels without a BOM or a wide-character pattern are wrong.
    private static Encoding? Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var label = name.Trim().Trim('"', '\'').ToLowerInvariant();
        switch (label)
        {
            case "iso-8859-1" or "iso8859-1" or "latin1" or "latin-1" or "l1" or "us-ascii" or "ascii" or "cp1252"
                or "x-cp1252" or "iso_8859-1" or "windows-1252":
                return Windows1252;
            case "utf8":
                return Encoding.UTF8;
            case "win-1251" or "cp1251" or "x-cp1251":
                return Encoding.GetEncoding(1251);
        }

        try
        {
            var encoding = Encoding.GetEncoding(label);
            return encoding.CodePage is 1200 or 1201 or 12000 or 12001 ? null : encoding;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool TryDecodeUtf8(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static bool IsMostlyUtf8(ReadOnlySpan<byte> bytes)
    {
        var valid = 0;
        var invalid = 0;
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out _, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                valid += consumed > 1 ? 1 : 0;
            }
            else
            {
                invalid++;
            }

            bytes = bytes[Math.Max(consumed, 1)..];
        }

        return valid >= 10 * invalid;
    }

    private static (Encoding? Encoding, int Length) DetectBom(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (Encoding.UTF8, 3);
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return (Encoding.UTF32, 4);
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return (new UTF32Encoding(bigEndian: true, byteOrderMark: false), 4);
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (Encoding.Unicode, 2);
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (Encoding.BigEndianUnicode, 2);
        }

        return (null, 0);
    }

    private static Encoding? SniffWideEncoding(ReadOnlySpan<byte> b)
    {
        if (b.Length < 4)
        {
            return null;
        }

        return (b[0], b[1], b[2], b[3]) switch
        {
            (0, 0, 0, (byte)'<') => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
            ((byte)'<', 0, 0, 0) => Encoding.UTF32,
            (0, _, 0, _) when b[1] != 0 => Encoding.BigEndianUnicode,
            (_, 0, _, 0) when b[0] != 0 => Encoding.Unicode,
            _ => null,
        };
    }

    // Undeclared, not UTF-8: Cyrillic text is mostly runs of letters in 0xC0-0xFF, while Western text has only
    // scattered accented letters. Windows-1251 puts lower-case letters at 0xE0-0xFF, KOI8-R at 0xC0-0xDF, and
    // running text is mostly lower case.
    private static Encoding GuessLegacyEncoding(ReadOnlySpan<byte> bytes)
    {
        var cyrillicRuns = 0;
        var upperHalf = 0;
        var lowerHalf = 0;
        var run = 0;
        foreach (var b in bytes)
        {
            if (b >= 0xC0)
            {
                run++;
                if (b >= 0xE0)
                {
                    upperHalf++;
                }
                else
                {
                    lowerHalf++;
                }

                if (run == 3)
                {
                    cyrillicRuns++;
                }
            }
            else
            {
                run = 0;
            }
        }

        if (cyrillicRuns == 0)
        {
            return Windows1252;
        }

        return upperHalf >= lowerHalf ? Encoding.GetEncoding(1251) : Encoding.GetEncoding("koi8-r");
    }

    [GeneratedRegex("""charset\s*=\s*["']?([A-Za-z0-9._:\-]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CharsetParameter();

    [GeneratedRegex("""encoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']""", RegexOptions.CultureInvariant)]
    private static partial Regex EncodingPseudoAttribute();
}
