using System.Text;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>Undoes the two commonest encoding accidents in feed text.</summary>
internal static class TextRepair
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    // Windows-1252 bytes 0x80-0x9F, for reading C1 controls back as the punctuation the publisher meant.
    private static readonly string Windows1252High = FeedTextDecoder.Windows1252.GetString(
        Enumerable.Range(0x80, 0x20).Select(b => (byte)b).ToArray());

    private static readonly Dictionary<char, byte> Windows1252Bytes = BuildReverseMap();

    /// <summary>C1 control characters (U+0080-U+009F) come from Windows-1252 text mislabelled as Latin-1: map them back.</summary>
    public static string MapC1Controls(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\u0080', '\u009F'))
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is >= '\u0080' and <= '\u009F')
            {
                chars[i] = Windows1252High[chars[i] - 0x80];
            }
        }

        return new string(chars);
    }

    /// <summary>
    /// Repairs UTF-8 that was read as Windows-1252 or Latin-1 ("â€¦" for "…", "Ð¡" for "С"): a run is replaced only
    /// when it starts like typical mojibake and its characters map back to bytes forming valid UTF-8.
    /// </summary>
    public static string RepairMojibake(string text)
    {
        if (!text.AsSpan().ContainsAny('\u00C2', '\u00C3', '\u00E2') && !text.AsSpan().ContainsAny('\u00D0', '\u00D1'))
        {
            return text;
        }

        StringBuilder? sb = null;
        var copiedUpTo = 0;
        Span<byte> bytes = stackalloc byte[3];
        for (var i = 0; i < text.Length; i++)
        {
            // Only the leads that real mojibake is made of: Latin-1 letters and signs (Â, Ã), Cyrillic (Ð, Ñ) and
            // general punctuation, currency and letter-like symbols (â€, â‚, â„). Wider rules mangle genuine text
            // such as "é" followed by a no-break space and a dash.
            var lead = text[i];
            var continuation = lead switch
            {
                '\u00C2' or '\u00C3' or '\u00D0' or '\u00D1' => 1,
                '\u00E2' => 2,
                _ => 0,
            };
            if (continuation == 0 || i + continuation >= text.Length)
            {
                continue;
            }

            bytes[0] = (byte)lead;
            var ok = true;
            for (var k = 1; k <= continuation && ok; k++)
            {
                ok = Windows1252Bytes.TryGetValue(text[i + k], out var b) && b is >= 0x80 and <= 0xBF;
                bytes[k] = b;
            }

            if (lead == '\u00E2' && ok && bytes[1] > 0x84)
            {
                ok = false;
            }

            if (!ok || !TryDecode(bytes[..(continuation + 1)], out var decoded))
            {
                continue;
            }

            sb ??= new StringBuilder(text.Length);
            sb.Append(text, copiedUpTo, i - copiedUpTo).Append(decoded);
            i += continuation;
            copiedUpTo = i + 1;
        }

        return sb is null ? text : sb.Append(text, copiedUpTo, text.Length - copiedUpTo).ToString();
    }

    private static bool TryDecode(ReadOnlySpan<byte> bytes, out string decoded)
    {
        try
        {
            decoded = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            decoded = string.Empty;
            return false;
        }
    }

    private static Dictionary<char, byte> BuildReverseMap()
    {
        var map = new Dictionary<char, byte>();
        for (var b = 0x80; b <= 0xFF; b++)
        {
            var c = FeedTextDecoder.Windows1252.GetString([(byte)b])[0];
            map.TryAdd(c, (byte)b);

            // Latin-1 readings keep the raw C1 code point.
            map.TryAdd((char)b, (byte)b);
        }

        return map;
    }
}
