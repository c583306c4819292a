using System.Globalization;
using System.Net;
using System.Text;
using MimeKit;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Wording;

namespace OutageAlerts.Delivery.Email;

/// <summary>Builds the alert email: multipart/alternative with a plain-text part and an HTML part saying the same.</summary>
internal static class EmailComposer
{
    private const string MessageIdDomain = "outage-alerts.invalid";

    public static MimeMessage Compose(IAlertDelivery delivery, string to, string from, DateTimeOffset now)
    {
        var alert = delivery.Alert;
        var message = new MimeMessage
        {
            Subject = AlertWording.Subject(delivery.Kind, alert),
            Date = now,
            // Stable ids let mail clients thread all versions of one incident and drop duplicates.
            MessageId = MessageId(alert.AlertId, alert.Version, delivery.SubscriptionId),
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        if (alert.Version > 1)
        {
            var first = MessageId(alert.AlertId, 1, delivery.SubscriptionId);
            message.InReplyTo = first;
            message.References.Add(first);
        }

        message.Headers.Add("X-OutageAlerts-Alert-Id", alert.AlertId);
        message.Headers.Add("X-OutageAlerts-Version", alert.Version.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add("X-OutageAlerts-Severity", alert.Severity.ToString());

        var body = new BodyBuilder { TextBody = Text(delivery), HtmlBody = Html(delivery) };
        message.Body = body.ToMessageBody();
        return message;
    }

    private static string MessageId(string alertId, int version, string subscriptionId)
    {
        var local = new StringBuilder();
        foreach (var c in $"{alertId}.v{version.ToString(CultureInfo.InvariantCulture)}.{subscriptionId}")
        {
            local.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        return $"{local}@{MessageIdDomain}";
    }

    private static IEnumerable<(string Label, string Value)> Facts(IAlertDelivery delivery)
    {
        var alert = delivery.Alert;
        yield return ("What", alert.Description);
        yield return ("Where", alert.Country is null ? AlertWording.Place(alert) : $"{AlertWording.Place(alert)}, {alert.Country}");
        yield return ("When", $"{AlertWording.Timestamp(alert.Sent)} (first seen {AlertWording.Timestamp(alert.FirstSeen ?? alert.Sent)})");
        yield return ("Casualties", AlertWording.Casualties(alert));
        yield return ("Outage", AlertWording.Outage(alert) ?? "none reported");
        yield return ("Severity", $"{alert.Severity} (urgency {alert.Urgency}, certainty {alert.Certainty})");
        if (delivery.Kind == AlertEventKind.Cancelled && !string.IsNullOrWhiteSpace(delivery.CancelReason))
        {
            yield return ("Cancelled because", delivery.CancelReason);
        }
    }

    private static string Text(IAlertDelivery delivery)
    {
        var alert = delivery.Alert;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{AlertWording.Label(delivery.Kind)}: {AlertWording.Subject(delivery.Kind, alert)}");
        text.AppendLine();
        text.AppendLine(alert.Headline);
        text.AppendLine();
        foreach (var (label, value) in Facts(delivery))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{label}: {value}");
        }

        AppendList(text, "What changed since the previous version", alert.Changes);
        AppendList(text, "Why this severity", alert.Reasons);
        AppendList(text, "Sources", alert.Sources.Select(SourceLine));
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Alert {alert.AlertId}, version {alert.Version}, subscription {delivery.SubscriptionId}.");
        return text.ToString();
    }

    private static void AppendList(StringBuilder text, string title, IEnumerable<string> items)
    {
        var list = items.ToList();
        if (list.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{title}:");
        foreach (var item in list)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {item}");
        }
    }

    private static string SourceLine(AlertSource source)
    {
        var published = source.Published is { } p ? $", {AlertWording.Timestamp(p)}" : "";
        return $"{source.Title ?? source.ItemId} ({source.Feed}{published}){(source.Url is null ? "" : " " + source.Url)}";
    }

    private static string Html(IAlertDelivery delivery)
    {
        var alert = delivery.Alert;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
            .Append(E(AlertWording.Subject(delivery.Kind, alert)))
            .Append("</title></head><body style=\"font-family:sans-serif\">");
        html.Append("<p style=\"font-weight:bold\">")
            .Append(E($"{AlertWording.Label(delivery.Kind)} · {AlertWording.SeverityTag(alert.Severity)}"))
            .Append("</p><h2>").Append(E(alert.Headline)).Append("</h2><table>");
        foreach (var (label, value) in Facts(delivery))
        {
            html.Append("<tr><th align=\"left\" valign=\"top\">").Append(E(label))
                .Append("</th><td>").Append(E(value)).Append("</td></tr>");
        }

        html.Append("</table>");
        AppendHtmlList(html, "What changed since the previous version", alert.Changes.Select(E));
        AppendHtmlList(html, "Why this severity", alert.Reasons.Select(E));
        AppendHtmlList(html, "Sources", alert.Sources.Select(SourceHtml));
        html.Append("<p style=\"color:#666\">")
            .Append(E($"Alert {alert.AlertId}, version {alert.Version}, subscription {delivery.SubscriptionId}."))
            .Append("</p></body></html>");
        return html.ToString();
    }

    private static void AppendHtmlList(StringBuilder html, string title, IEnumerable<string> encodedItems)
    {
        var items = encodedItems.ToList();
        if (items.Count == 0)
        {
            return;
        }

        html.Append("<h3>").Append(E(title)).Append("</h3><ul>");
        foreach (var item in items)
        {
            html.Append("<li>").Append(item).Append("</li>");
        }

        html.Append("</ul>");
    }

    private static string SourceHtml(AlertSource source)
    {
        var title = E(source.Title ?? source.ItemId);
        var published = source.Published is { } p ? $", {AlertWording.Timestamp(p)}" : "";
        var link = source.Url is not null && Uri.TryCreate(source.Url, UriKind.Absolute, out var uri)
                   && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? $"<a href=\"{E(uri.AbsoluteUri)}\">{title}</a>"
            : title;
        return $"{link} ({E(source.Feed + published)})";
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
