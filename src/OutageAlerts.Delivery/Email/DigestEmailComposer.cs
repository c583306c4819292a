using System.Globalization;
using System.Net;
using System.Text;
using MimeKit;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Delivery.Wording;

namespace OutageAlerts.Delivery.Email;

/// <summary>
/// The digest email: one multipart message listing the latest version of each alert collected since the previous
/// digest, most severe first, in the subscription's language.
/// </summary>
internal static class DigestEmailComposer
{
    private const string MessageIdDomain = "outage-alerts.invalid";

    public static MimeMessage Compose(
        string digestId, IReadOnlyList<ArchivedAlert> alerts, Subscription subscription, SmtpOptions smtp, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(smtp);
        var ordered = alerts
            .OrderByDescending(a => a.Kind != AlertEventKind.Cancelled ? a.Alert.Severity : default)
            .ThenByDescending(a => a.Alert.Sent)
            .ToList();
        var l = WordingLocale.For(subscription.Language, ordered.FirstOrDefault()?.Alert.Language);
        var highest = ordered.Count == 0 ? Contracts.Severity.Unknown : ordered.Max(a => a.Alert.Severity);
        var message = new MimeMessage
        {
            Subject = l.Format(l.DigestSubject, ordered.Count, AlertWording.SeverityTag(highest)),
            Date = now,
            // Stable per digest, so a digest sent again after a lost answer from the relay is recognised as one.
            MessageId = $"{digestId}@{MessageIdDomain}",
        };
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(subscription.Target));
        message.Headers.Add("X-OutageAlerts-Digest-Id", digestId);
        EmailComposer.AddUnsubscribe(message, subscription.Id, smtp);
        var body = new BodyBuilder { TextBody = Text(digestId, ordered, subscription, l), HtmlBody = Html(digestId, ordered, subscription, l) };
        message.Body = body.ToMessageBody();
        return message;
    }

    private static string Line(ArchivedAlert archived, WordingLocale l)
    {
        var alert = archived.Alert;
        var label = archived.Kind == AlertEventKind.Raised ? "" : $"{AlertWording.Label(archived.Kind, l)}: ";
        return $"[{AlertWording.SeverityTag(alert.Severity)}] {label}{AlertWording.Subject(archived.Kind, alert, l)}"
               + $" — {AlertWording.Timestamp(alert.Sent)}; {AlertWording.Casualties(alert, l)}";
    }

    private static string Text(string digestId, List<ArchivedAlert> alerts, Subscription subscription, WordingLocale l)
    {
        var text = new StringBuilder();
        text.AppendLine(l.DigestIntro).AppendLine();
        foreach (var archived in alerts)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {Line(archived, l)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  {archived.Alert.Headline}");
            if (archived.Alert.Sources.FirstOrDefault(s => s.Url is not null) is { } source)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {source.Url}");
            }
        }

        text.AppendLine().AppendLine(l.Format(l.DigestFooter, digestId, subscription.Id));
        return text.ToString();
    }

    private static string Html(string digestId, List<ArchivedAlert> alerts, Subscription subscription, WordingLocale l)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"").Append(l.Code).Append("\"><head><meta charset=\"utf-8\"></head>")
            .Append("<body style=\"font-family:sans-serif\"><p>").Append(E(l.DigestIntro)).Append("</p><ul>");
        foreach (var archived in alerts)
        {
            html.Append("<li><strong>").Append(E(Line(archived, l))).Append("</strong><br>").Append(E(archived.Alert.Headline));
            if (archived.Alert.Sources.FirstOrDefault(s => s.Url is not null) is { Url: { } url }
                && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                html.Append("<br><a href=\"").Append(E(uri.AbsoluteUri)).Append("\">").Append(E(uri.Host)).Append("</a>");
            }

            html.Append("</li>");
        }

        html.Append("</ul><p style=\"color:#666\">").Append(E(l.Format(l.DigestFooter, digestId, subscription.Id)))
            .Append("</p></body></html>");
        return html.ToString();
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
