using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Pull;

/// <summary>
/// An Atom (RFC 4287) feed of alerts in which every entry carries its CAP 1.2 document inline, the shape CAP
/// aggregators poll. Entry ids are per alert, not per version, so readers replace an entry when it is updated.
/// </summary>
internal static class CapAtomFeed
{
    public const string ContentType = "application/atom+xml";
    public const string FeedId = "urn:outage-alerts:alerts";
    public const string EntryIdPrefix = "urn:outage-alerts:alert:";

    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    public static string EntryId(string alertId) => EntryIdPrefix + Uri.EscapeDataString(alertId);

    /// <param name="selfUrl">The URL the feed was requested at (RFC 4287 recommends a self link).</param>
    /// <param name="capUrl">The URL of one alert's CAP document.</param>
    /// <param name="emptyUpdated">The feed's updated time when it has no entries to take it from.</param>
    public static byte[] Render(IReadOnlyList<CurrentAlert> alerts, Uri selfUrl, Func<string, Uri> capUrl, DateTimeOffset emptyUpdated)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(capUrl);
        var updated = alerts.Count == 0 ? emptyUpdated : alerts.Max(a => a.Alert.Sent);
        var feed = new XElement(Atom + "feed",
            new XElement(Atom + "id", FeedId),
            new XElement(Atom + "title", "OutageAlerts: current alerts"),
            new XElement(Atom + "subtitle", "Strikes on power grids and civilian sites, and the outages they cause, as CAP 1.2 alerts."),
            new XElement(Atom + "updated", Timestamp(updated)),
            new XElement(Atom + "author", new XElement(Atom + "name", CapDocument.SenderName)),
            new XElement(Atom + "generator", CapDocument.SenderName),
            Link("self", selfUrl, ContentType));
        feed.Add(alerts.Select(a => Entry(a, capUrl(a.Alert.AlertId))));

        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            new XDocument(new XDeclaration("1.0", "utf-8", null), feed).Save(writer);
        }

        return stream.ToArray();
    }

    private static XElement Entry(CurrentAlert current, Uri capUrl)
    {
        var alert = current.Alert;
        var severity = alert.Severity == Severity.None ? nameof(Severity.Unknown) : alert.Severity.ToString();
        // A feed reader shows titles only; without the prefix a withdrawn alert would read as a live one.
        var title = current.IsCancelled ? $"Cancelled: {alert.Headline}" : alert.Headline;
        return new XElement(Atom + "entry",
            new XElement(Atom + "id", EntryId(alert.AlertId)),
            new XElement(Atom + "title", title),
            new XElement(Atom + "updated", Timestamp(alert.Sent)),
            Link("alternate", capUrl, CapDocument.ContentType),
            new XElement(Atom + "category", new XAttribute("term", severity), new XAttribute("label", $"Severity: {severity}")),
            new XElement(Atom + "summary", new XAttribute("type", "text"), alert.Description),
            // RFC 4287 4.1.3.3: content of an XML media type holds the document's root element inline.
            new XElement(Atom + "content",
                new XAttribute("type", CapDocument.ContentType),
                CapDocument.Create(current.Kind, alert, current.CancelReason).Root));
    }

    private static XElement Link(string rel, Uri href, string type) =>
        new(Atom + "link", new XAttribute("rel", rel), new XAttribute("type", type), new XAttribute("href", href.AbsoluteUri));

    /// <summary>RFC 3339 in UTC, whole seconds, as Atom's date constructs require.</summary>
    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
