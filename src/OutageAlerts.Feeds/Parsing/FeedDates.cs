using System.Globalization;
using System.Text.RegularExpressions;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>
/// Reads the date formats feeds use in practice: RFC 822/1123 and their sloppy variants (named zones, no seconds,
/// two-digit years, no weekday), ISO 8601 / W3C-DTF with or without a zone, and asctime. Results are UTC; a
/// value without a zone is taken as UTC. Anything unreadable gives null.
/// </summary>
internal static partial class FeedDates
{
    private static readonly Dictionary<string, int> ZoneOffsetsMinutes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = 0, ["UTC"] = 0, ["GMT"] = 0, ["Z"] = 0, ["WET"] = 0,
        ["EST"] = -300, ["EDT"] = -240, ["CST"] = -360, ["CDT"] = -300,
        ["MST"] = -420, ["MDT"] = -360, ["PST"] = -480, ["PDT"] = -420,
        ["AKST"] = -540, ["AKDT"] = -480, ["HST"] = -600, ["AST"] = -240, ["ADT"] = -180, ["NST"] = -210,
        ["BST"] = 60, ["IST"] = 60, ["CET"] = 60, ["MET"] = 60, ["WEST"] = 60, ["CEST"] = 120, ["MEST"] = 120,
        ["EET"] = 120, ["EEST"] = 180, ["MSK"] = 180, ["MSD"] = 240, ["SAMT"] = 240,
        ["JST"] = 540, ["KST"] = 540, ["HKT"] = 480, ["SGT"] = 480, ["AWST"] = 480,
        ["ACST"] = 570, ["AEST"] = 600, ["AEDT"] = 660, ["NZST"] = 720, ["NZDT"] = 780,
    };

    private static readonly string[] MonthPrefixes =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    public static DateTimeOffset? Parse(string? value)
    {
        var text = HtmlText.CollapseWhiteSpace(value);
        if (text is null || text.Length > 100)
        {
            return null;
        }

        try
        {
            return ParseIso(text) ?? ParseAsctime(text) ?? ParseRfc822(text) ?? ParseFallback(text);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Day 31 of February and similar: unreadable, not fatal.
            return null;
        }
    }

    private static DateTimeOffset? ParseIso(string text)
    {
        var m = IsoPattern().Match(text);
        if (!m.Success)
        {
            return null;
        }

        var year = Int(m.Groups["y"]);
        var month = m.Groups["mo"].Success ? Int(m.Groups["mo"]) : 1;
        var day = m.Groups["d"].Success ? Int(m.Groups["d"]) : 1;
        var hour = m.Groups["h"].Success ? Int(m.Groups["h"]) : 0;
        var minute = m.Groups["mi"].Success ? Int(m.Groups["mi"]) : 0;
        var second = m.Groups["s"].Success ? Int(m.Groups["s"]) : 0;
        var ticks = 0L;
        if (m.Groups["f"].Success)
        {
            var fraction = m.Groups["f"].Value.PadRight(7, '0')[..7];
            ticks = long.Parse(fraction, CultureInfo.InvariantCulture);
        }

        var offset = ZoneOffset(m.Groups["z"].Value);
        return offset is null ? null : Build(year, month, day, hour, minute, second, offset.Value, ticks);
    }

    private static DateTimeOffset? ParseRfc822(string text)
    {
        var m = Rfc822DayFirst().Match(text);
        if (!m.Success)
        {
            m = Rfc822MonthFirst().Match(text);
        }

        if (!m.Success)
        {
            return null;
        }

        var month = MonthNumber(m.Groups["mo"].Value);
        if (month is null)
        {
            return null;
        }

        var year = Int(m.Groups["y"]);
        if (m.Groups["y"].Value.Length <= 2)
        {
            // RFC 2822 §4.3: 00-49 are 20xx, 50-99 are 19xx.
            year += year < 50 ? 2000 : 1900;
        }

        var hour = m.Groups["h"].Success ? Int(m.Groups["h"]) : 0;
        var minute = m.Groups["mi"].Success ? Int(m.Groups["mi"]) : 0;
        var second = m.Groups["s"].Success ? Int(m.Groups["s"]) : 0;
        var offset = ZoneOffset(m.Groups["z"].Value) ?? TimeSpan.Zero;
        return Build(year, month.Value, Int(m.Groups["d"]), hour, minute, second, offset, 0);
    }

    private static DateTimeOffset? ParseAsctime(string text)
    {
        var m = AsctimePattern().Match(text);
        if (!m.Success)
        {
            return null;
        }

        var month = MonthNumber(m.Groups["mo"].Value);
        return month is null
            ? null
            : Build(Int(m.Groups["y"]), month.Value, Int(m.Groups["d"]), Int(m.Groups["h"]), Int(m.Groups["mi"]),
                Int(m.Groups["s"]), TimeSpan.Zero, 0);
    }

    private static DateTimeOffset? ParseFallback(string text) =>
        DateTimeOffset.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal,
            out var parsed)
            ? parsed.ToUniversalTime()
            : null;

    private static DateTimeOffset? Build(
        int year, int month, int day, int hour, int minute, int second, TimeSpan offset, long ticks)
    {
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 24 || minute > 59 || second > 60)
        {
            return null;
        }

        // 24:00 means the end of the day; second 60 is a leap second. Both are folded into valid times.
        var extraDays = hour == 24 ? 1 : 0;
        var extraSeconds = second == 60 ? 1 : 0;
        var local = new DateTime(year, month, day, hour % 24, minute, second - extraSeconds, DateTimeKind.Unspecified)
            .AddTicks(ticks).AddDays(extraDays).AddSeconds(extraSeconds);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static TimeSpan? ZoneOffset(string zone)
    {
        if (string.IsNullOrEmpty(zone))
        {
            return TimeSpan.Zero;
        }

        if (zone[0] is '+' or '-')
        {
            var digits = zone[1..].Replace(":", string.Empty, StringComparison.Ordinal);
            var hours = int.Parse(digits[..Math.Min(2, digits.Length)], CultureInfo.InvariantCulture);
            var minutes = digits.Length >= 4 ? int.Parse(digits[2..4], CultureInfo.InvariantCulture) : 0;
            if (hours > 14 || minutes > 59)
            {
                return null;
            }

            var span = new TimeSpan(hours, minutes, 0);
            return zone[0] == '-' ? -span : span;
        }

        if (ZoneOffsetsMinutes.TryGetValue(zone, out var named))
        {
            return TimeSpan.FromMinutes(named);
        }

        // Unknown names and the single-letter military zones (misused more often than not) count as UTC.
        return TimeSpan.Zero;
    }

    private static int? MonthNumber(string name)
    {
        if (name.Length < 3)
        {
            return null;
        }

        var index = Array.IndexOf(MonthPrefixes, name[..3].ToLowerInvariant());
        return index < 0 ? null : index + 1;
    }

    private static int Int(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(
        """^(?<y>\d{4})(?:-?(?<mo>\d{2})(?:-?(?<d>\d{2}))?)?(?:[T\s]+(?<h>\d{2}):?(?<mi>\d{2})(?::?(?<s>\d{2})(?:[.,](?<f>\d+))?)?)?\s*(?<z>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IsoPattern();

    [GeneratedRegex(
        """^(?:[A-Za-z]{2,10}\.?,?\s*)?(?<d>\d{1,2})(?:st|nd|rd|th)?[\s\-/]+(?<mo>[A-Za-z]{3,10})\.?,?[\s\-/]+(?<y>\d{4}|\d{2})(?![\d:])(?:,?\s*(?:T|at\s)?\s*(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:\.\d+)?)?)?\s*(?<z>[+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?\b""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Rfc822DayFirst();

    [GeneratedRegex(
        """^(?:[A-Za-z]{2,10}\.?,?\s*)?(?<mo>[A-Za-z]{3,10})\.?\s+(?<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?<y>\d{4}|\d{2})(?![\d:])(?:,?\s*(?:at\s)?\s*(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:\.\d+)?)?)?\s*(?<z>[+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?\b""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Rfc822MonthFirst();

    [GeneratedRegex(
        """^[A-Za-z]{3}\s+(?<mo>[A-Za-z]{3})\s+(?<d>\d{1,2})\s+(?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})\s+(?<y>\d{4})$""",
        RegexOptions.CultureInvariant)]
    private static partial Regex AsctimePattern();
}
