using System.Globalization;
using System.Net;
using System.Text;
using MimeKit;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Delivery.Wording;

namespace OutageAlerts.Delivery.Email;

/// <summary>
/// Builds the alert email: multipart/alternative with a plain-text part and an HTML part saying the same, in
/// the subscription's language (or the alert's), English or Ukrainian.
/// </summary>
internal static class EmailComposer
{
    private const string MessageIdDomain = "outage-alerts.invalid";
    public const string SubscriptionIdPlaceholder = "{subscriptionId}";

    public static MimeMessage Compose(IAlertDelivery delivery, Subscription subscription, SmtpOptions smtp, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(smtp);
        var message = Compose(delivery, subscription.Target, smtp.From, now, WordingLocale.For(subscription.Language, delivery.Alert.Language));
        AddUnsubscribe(message, subscription.Id, smtp);
        return message;
    }

    public static MimeMessage Compose(IAlertDelivery delivery, string to, string from, DateTimeOffset now, WordingLocale? locale = null)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var l = locale ?? WordingLocale.English;
        var alert = delivery.Alert;
        var message = new MimeMessage
        {
            Subject = AlertWording.Subject(delivery.Kind, alert, l),
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

        var body = new BodyBuilder { TextBody = Text(delivery, l), HtmlBody = Html(delivery, l) };
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>
    /// RFC 2369 <c>List-Unsubscribe</c>: a mail to the sender naming the subscription, and the operator's https
    /// page when one is configured, which RFC 8058 one-click unsubscription then applies to.
    /// </summary>
    internal static void AddUnsubscribe(MimeMessage message, string subscriptionId, SmtpOptions smtp)
    {
        var from = MailboxAddress.Parse(smtp.From).Address;
        var links = new List<string>(2);
        if (!string.IsNullOrWhiteSpace(smtp.UnsubscribeUrl))
        {
            links.Add($"<{smtp.UnsubscribeUrl.Replace(SubscriptionIdPlaceholder, Uri.EscapeDataString(subscriptionId), StringComparison.Ordinal)}>");
        }

        links.Add($"<mailto:{from}?subject={Uri.EscapeDataString("unsubscribe " + subscriptionId)}>");
        message.Headers.Add("List-Unsubscribe", string.Join(", ", links));
        if (smtp.UnsubscribeUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true)
        {
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
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

    private static IEnumerable<(string Label, string Value)> Facts(IAlertDelivery delivery, WordingLocale l)
    {
        var alert = delivery.Alert;
        var place = AlertWording.Place(alert, l);
        yield return (l.What, alert.Description);
        yield return (l.Where, AlertWording.CountryName(alert, l) is { } country ? $"{place}, {country}" : place);
        yield return (l.When, $"{AlertWording.Timestamp(alert.Sent)} ({l.FirstSeen} {AlertWording.Timestamp(alert.FirstSeen ?? alert.Sent)})");
        yield return (l.Casualties, AlertWording.Casualties(alert, l));
        yield return (l.Outage, AlertWording.Outage(alert, l) ?? l.NoneReported);
        yield return (l.Severity, l.Format(l.SeverityDetail, alert.Severity, alert.Urgency, alert.Certainty));
        if (delivery.Kind == AlertEventKind.Cancelled && !string.IsNullOrWhiteSpace(delivery.CancelReason))
        {
            yield return (l.CancelledBecause, delivery.CancelReason);
        }
    }

    private static string Text(IAlertDelivery delivery, WordingLocale l)
    {
        var alert = delivery.Alert;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{AlertWording.Label(delivery.Kind, l)}: {AlertWording.Subject(delivery.Kind, alert, l)}");
        text.AppendLine();
        text.AppendLine(alert.Headline);
        text.AppendLine();
        foreach (var (label, value) in Facts(delivery, l))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{label}: {value}");
        }

        AppendList(text, l.Changes, alert.Changes);
        AppendList(text, l.Reasons, alert.Reasons);
        AppendList(text, l.Sources, alert.Sources.Select(SourceLine));
        text.AppendLine();
        text.AppendLine(l.Format(l.Footer, alert.AlertId, alert.Version, delivery.SubscriptionId));
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

    private static string Html(IAlertDelivery delivery, WordingLocale l)
    {
        var alert = delivery.Alert;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"").Append(l.Code).Append("\"><head><meta charset=\"utf-8\"><title>")
            .Append(E(AlertWording.Subject(delivery.Kind, alert, l)))
            .Append("</title></head><body style=\"font-family:sans-serif\">");
        html.Append("<p style=\"font-weight:bold\">")
            .Append(E($"{AlertWording.Label(delivery.Kind, l)} · {AlertWording.SeverityTag(alert.Severity)}"))
            .Append("</p><h2>").Append(E(alert.Headline)).Append("</h2><table>");
        foreach (var (label, value) in Facts(delivery, l))
        {
            html.Append("<tr><th align=\"left\" valign=\"top\">").Append(E(label))
                .Append("</th><td>").Append(E(value)).Append("</td></tr>");
        }

        html.Append("</table>");
        AppendHtmlList(html, l.Changes, alert.Changes.Select(E));
        AppendHtmlList(html, l.Reasons, alert.Reasons.Select(E));
        AppendHtmlList(html, l.Sources, alert.Sources.Select(SourceHtml));
        html.Append("<p style=\"color:#666\">")
            .Append(E(l.Format(l.Footer, alert.AlertId, alert.Version, delivery.SubscriptionId)))
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
