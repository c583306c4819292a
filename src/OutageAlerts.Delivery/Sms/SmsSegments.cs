namespace OutageAlerts.Delivery.Sms;

public enum SmsEncoding
{
    Gsm7,
    Ucs2,
}

/// <summary>How a text travels as SMS: its encoding, its length in that encoding's units and its segment count.</summary>
public readonly record struct SmsSize(SmsEncoding Encoding, int Units, int Segments);

/// <summary>
/// GSM 03.38 segment arithmetic. A text of only GSM-7 characters fits 160 units in one segment (153 each when
/// concatenated; the extension characters take two units). Anything else, Cyrillic included, goes as UCS-2:
/// 70 UTF-16 units in one segment, 67 each when concatenated.
/// </summary>
public static class SmsSegments
{
    public const int Gsm7Single = 160;
    public const int Gsm7Concatenated = 153;
    public const int Ucs2Single = 70;
    public const int Ucs2Concatenated = 67;

    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "\f^{}\\[~]|€";

    private static readonly HashSet<char> BasicSet = [.. Basic];
    private static readonly HashSet<char> ExtensionSet = [.. Extension];

    public static bool IsGsm7(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.All(c => BasicSet.Contains(c) || ExtensionSet.Contains(c));
    }

    public static SmsSize Measure(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsGsm7(text))
        {
            var units = text.Sum(c => ExtensionSet.Contains(c) ? 2 : 1);
            return new SmsSize(SmsEncoding.Gsm7, units, Segments(units, Gsm7Single, Gsm7Concatenated));
        }

        return new SmsSize(SmsEncoding.Ucs2, text.Length, Segments(text.Length, Ucs2Single, Ucs2Concatenated));
    }

    private static int Segments(int units, int single, int concatenated) =>
        units == 0 ? 1 : units <= single ? 1 : (units + concatenated - 1) / concatenated;
}
