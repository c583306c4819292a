using System.Text;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Wording;

namespace OutageAlerts.Delivery.Sms;

/// <summary>The SMS text: severity, event, place, casualties, outage and a link to the first source.</summary>
internal static class SmsComposer
{
    /// <summary>Two concatenated GSM-7 segments; longer texts cost more and arrive out of order on some phones.</summary>
    public const int MaxLength = 306;

    public static string Compose(IAlertDelivery delivery)
    {
        var alert = delivery.Alert;
        var head = delivery.Kind switch
        {
            AlertEventKind.Updated => $"UPDATE {AlertWording.SeverityTag(alert.Severity)}",
            AlertEventKind.Cancelled => "CANCELLED",
            _ => AlertWording.SeverityTag(alert.Severity),
        };
        var text = new StringBuilder()
            .Append(head).Append(": ").Append(AlertWording.Event(alert)).Append(" — ").Append(AlertWording.Place(alert)).Append('.');
        if (alert.Killed is not null || alert.Injured is not null)
        {
            text.Append(' ').Append(AlertWording.Casualties(alert)).Append('.');
        }

        if (AlertWording.Outage(alert) is { } outage)
        {
            text.Append(' ').Append(outage).Append('.');
        }

        if (delivery.Kind == AlertEventKind.Cancelled && !string.IsNullOrWhiteSpace(delivery.CancelReason))
        {
            text.Append(' ').Append(delivery.CancelReason.Trim());
        }

        var link = alert.Sources.Select(s => s.Url).FirstOrDefault(u => !string.IsNullOrWhiteSpace(u));
        var suffix = link is null ? "" : " " + link;
        var room = MaxLength - suffix.Length;
        var body = text.ToString();
        if (body.Length > room)
        {
            body = body[..Math.Max(0, room - 1)].TrimEnd() + "…";
        }

        return body + suffix;
    }
}
