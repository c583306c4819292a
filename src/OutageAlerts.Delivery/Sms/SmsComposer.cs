using System.Text;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Wording;

namespace OutageAlerts.Delivery.Sms;

/// <summary>
/// The SMS text: severity, event, place, casualties, outage and a link to the first source for details. It fits
/// one GSM-7 segment (160 characters) when the text is Latin, or two UCS-2 segments (134 characters) when it
/// needs Cyrillic: less important parts are left out before anything is cut, and the link is always kept.
/// </summary>
internal static class SmsComposer
{
    /// <summary>Two concatenated UCS-2 segments.</summary>
    public const int MaxUcs2Units = 2 * SmsSegments.Ucs2Concatenated;

    private const string Ellipsis = "...";

    public static string Compose(IAlertDelivery delivery, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var alert = delivery.Alert;
        var locale = WordingLocale.For(language, alert.Language);
        var link = alert.Sources.Select(s => s.Url).FirstOrDefault(u => !string.IsNullOrWhiteSpace(u));
        var head = delivery.Kind switch
        {
            AlertEventKind.Updated => $"UPDATE {AlertWording.SeverityTag(alert.Severity)}",
            AlertEventKind.Cancelled => "CANCELLED",
            _ => AlertWording.SeverityTag(alert.Severity),
        };
        var what = Gsm(AlertWording.Event(alert, locale));
        var casualties = alert.Killed is not null || alert.Injured is not null ? AlertWording.Casualties(alert, locale) : null;
        var outage = AlertWording.Outage(alert, locale);
        var reason = delivery.Kind == AlertEventKind.Cancelled && !string.IsNullOrWhiteSpace(delivery.CancelReason)
            ? delivery.CancelReason.Trim()
            : null;
        var shortPlace = alert.Regions.Count > 0 ? string.Join(",", alert.Regions) : alert.Country ?? AlertWording.Place(alert, locale);

        // From the fullest text to the leanest; the first that fits is sent.
        string?[][] candidates =
        [
            [AlertWording.Place(alert, locale), casualties, outage, reason],
            [AlertWording.Place(alert, locale), casualties, reason],
            [shortPlace, casualties, outage, reason],
            [shortPlace, casualties, reason],
            [shortPlace, reason],
            [shortPlace],
        ];
        foreach (var parts in candidates)
        {
            var text = Build(head, what, parts, link);
            if (Fits(text))
            {
                return text;
            }
        }

        return Shorten(Build(head, what, [shortPlace], null), link);
    }

    /// <summary>One GSM-7 segment, or two UCS-2 segments when the text cannot be GSM-7.</summary>
    public static bool Fits(string text)
    {
        var size = SmsSegments.Measure(text);
        return size.Encoding == SmsEncoding.Gsm7 ? size.Segments == 1 : size.Units <= MaxUcs2Units;
    }

    private static string Build(string head, string what, string?[] parts, string? link)
    {
        var text = new StringBuilder().Append(head).Append(": ").Append(what);
        var first = true;
        foreach (var part in parts.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            text.Append(first ? " - " : ". ").Append(Gsm(part!));
            first = false;
        }

        text.Append('.');
        if (link is not null)
        {
            text.Append(' ').Append(link);
        }

        return text.ToString();
    }

    /// <summary>Cuts the text (never the link) until it fits.</summary>
    private static string Shorten(string text, string? link)
    {
        var suffix = link is null ? "" : " " + link;
        var body = text.TrimEnd('.');
        while (body.Length > 0 && !Fits(body + Ellipsis + suffix))
        {
            body = body[..^1];
        }

        return body.TrimEnd() + Ellipsis + suffix;
    }

    /// <summary>Typographic punctuation that would force a Latin text into UCS-2 (and a third of the room) is made plain.</summary>
    private static string Gsm(string value) => value
        .Replace('—', '-').Replace('–', '-').Replace('’', '\'').Replace('‘', '\'').Replace('“', '"').Replace('”', '"')
        .Replace("…", Ellipsis, StringComparison.Ordinal).Replace('\u00A0', ' ').Replace('→', '>');
}
