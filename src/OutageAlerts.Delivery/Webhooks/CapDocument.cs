using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Wording;

namespace OutageAlerts.Delivery.Webhooks;

/// <summary>An alert version as a CAP 1.2 document (<c>application/cap+xml</c>) for subscriptions with Format cap.</summary>
public static class CapDocument
{
    public const string ContentType = "application/cap+xml";
    public const string Sender = "outage-alerts";
    public const string SenderName = "OutageAlerts";

    private static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";

    private static readonly HashSet<string> InfrastructureTargets = new(StringComparer.Ordinal)
    {
        "power_grid", "heating", "water", "gas", "telecom", "transport",
    };

    public static XDocument Create(AlertEventKind kind, Alert alert, string? cancelReason = null)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var msgType = kind == AlertEventKind.Cancelled ? MsgType.Cancel : alert.MsgType;
        var root = new XElement(Cap + "alert",
            new XElement(Cap + "identifier", Identifier(alert)),
            new XElement(Cap + "sender", Sender),
            new XElement(Cap + "sent", DateTime(alert.Sent)),
            new XElement(Cap + "status", "Actual"),
            new XElement(Cap + "msgType", msgType.ToString()),
            new XElement(Cap + "scope", "Public"),
            string.IsNullOrWhiteSpace(cancelReason) ? null : new XElement(Cap + "note", cancelReason),
            // Updates and cancels name every earlier version they supersede (sender,identifier,sent each).
            alert.References.Count == 0 || msgType == MsgType.Alert ? null : new XElement(Cap + "references", string.Join(' ', alert.References)),
            // Every version of one incident shares the incident id, which is what CAP's incidents element is for.
            new XElement(Cap + "incidents", Token(alert.AlertId)),
            Info(alert));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    public static byte[] Serialize(AlertEventKind kind, Alert alert, string? cancelReason = null)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            Create(kind, alert, cancelReason).Save(writer);
        }

        return stream.ToArray();
    }

    private static XElement Info(Alert alert)
    {
        var info = new XElement(Cap + "info",
            new XElement(Cap + "language", string.IsNullOrWhiteSpace(alert.Language) ? "en" : alert.Language),
            new XElement(Cap + "category", "Security"),
            alert.Targets.Any(InfrastructureTargets.Contains) ? new XElement(Cap + "category", "Infra") : null,
            alert.Targets.Contains("medical") ? new XElement(Cap + "category", "Health") : null,
            new XElement(Cap + "event", AlertWording.Event(alert)),
            new XElement(Cap + "urgency", alert.Urgency.ToString()),
            // CAP has no "None"; an alert that reached delivery without a severity is reported as Unknown.
            new XElement(Cap + "severity", alert.Severity == Severity.None ? nameof(Severity.Unknown) : alert.Severity.ToString()),
            new XElement(Cap + "certainty", alert.Certainty.ToString()),
            new XElement(Cap + "senderName", SenderName),
            new XElement(Cap + "headline", alert.Headline),
            new XElement(Cap + "description", alert.Description));

        var web = alert.Sources.Select(s => s.Url).FirstOrDefault(u => Uri.TryCreate(u, UriKind.Absolute, out _));
        if (web is not null)
        {
            info.Add(new XElement(Cap + "web", web));
        }

        info.Add(Parameter("alertId", alert.AlertId));
        info.Add(Parameter("version", alert.Version.ToString(CultureInfo.InvariantCulture)));
        if (alert.Targets.Count > 0)
        {
            info.Add(Parameter("targets", string.Join(' ', alert.Targets)));
        }

        if (alert.Killed is { } killed)
        {
            info.Add(Parameter("killed", killed.ToString(CultureInfo.InvariantCulture)));
        }

        if (alert.Injured is { } injured)
        {
            info.Add(Parameter("injured", injured.ToString(CultureInfo.InvariantCulture)));
        }

        if (alert.OutageCustomers is { } outage)
        {
            info.Add(Parameter("outageCustomers", outage.ToString(CultureInfo.InvariantCulture)));
        }

        info.Add(alert.Reasons.Select(r => Parameter("reason", r)));
        info.Add(alert.Changes.Select(c => Parameter("change", c)));
        info.Add(Area(alert));
        return info;
    }

    private static XElement Area(Alert alert)
    {
        var area = new XElement(Cap + "area", new XElement(Cap + "areaDesc", AlertWording.Place(alert)));
        if (alert.Area is { } circle)
        {
            area.Add(new XElement(Cap + "circle", string.Create(
                CultureInfo.InvariantCulture, $"{circle.Latitude:0.#####},{circle.Longitude:0.#####} {circle.RadiusKm:0.###}")));
        }

        area.Add(alert.Regions.Select(r => Pair("geocode", "ISO3166-2", r)));
        if (alert.Country is not null)
        {
            area.Add(Pair("geocode", "ISO3166-1", alert.Country));
        }

        return area;
    }

    private static XElement Parameter(string name, string value) => Pair("parameter", name, value);

    private static XElement Pair(string element, string name, string value) =>
        new(Cap + element, new XElement(Cap + "valueName", name), new XElement(Cap + "value", value));

    /// <summary>CAP date-times need an explicit offset and whole seconds: <c>2025-01-02T03:04:05+00:00</c>.</summary>
    private static string DateTime(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    /// <summary>CAP identifiers must not contain spaces, commas or the XML-reserved &lt; and &amp;.</summary>
    private static string Identifier(Alert alert) =>
        string.Create(CultureInfo.InvariantCulture, $"{Token(alert.AlertId)}-v{alert.Version}");

    private static string Token(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(char.IsWhiteSpace(c) || c is ',' or '<' or '&' ? '_' : c);
        }

        return builder.ToString();
    }
}
