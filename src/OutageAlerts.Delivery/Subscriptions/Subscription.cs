using OutageAlerts.Contracts;

namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>One entry of <c>OutageAlerts:Subscriptions:N</c> (DESIGN.md contract 5).</summary>
public sealed class Subscription
{
    /// <summary>Every alert is delivered unless a subscription asks for a higher severity.</summary>
    public const Severity DefaultMinSeverity = Severity.Unknown;
    public const DigestPeriod DefaultDigestPeriod = DigestPeriod.Daily;
    public const Severity DefaultDigestMaxSeverity = Severity.Moderate;
    public const string DefaultTimeZone = "UTC";
    public static readonly TimeOnly DefaultDigestTime = new(8, 0);

    public string Id { get; set; } = "";

    /// <summary>Nullable so that a missing value is reported instead of silently meaning webhook.</summary>
    public DeliveryChannel? Channel { get; set; }

    /// <summary>An http(s) URL, an email address or an E.164 number, depending on <see cref="Channel"/>.</summary>
    public string Target { get; set; } = "";

    /// <summary>Standard Webhooks signing secret (<c>whsec_</c> + base64); webhooks only.</summary>
    public string? Secret { get; set; }

    public SubscriptionFormat Format { get; set; } = SubscriptionFormat.Json;

    public Severity MinSeverity { get; set; } = DefaultMinSeverity;

    /// <summary>ISO 3166-1 alpha-2 codes; empty means any country.</summary>
    public List<string> Countries { get; set; } = [];

    /// <summary>ISO 3166-2 codes; empty means any region, otherwise any of the alert's regions must be listed.</summary>
    public List<string> Regions { get; set; } = [];

    /// <summary>Target vocabulary (power_grid, heating…); empty means any, otherwise one shared target suffices.</summary>
    public List<string> Targets { get; set; } = [];

    /// <summary>ISO 639-1 languages of the alert's report (en, uk, ru…); empty means any.</summary>
    public List<string> Languages { get; set; } = [];

    /// <summary>The language emails and SMS are written in (<c>en</c> or <c>uk</c>); unset follows the alert's language.</summary>
    public string? Language { get; set; }

    /// <summary><see cref="SubscriptionMode.Digest"/> collects lower-severity alerts into one email per period (email only).</summary>
    public SubscriptionMode Mode { get; set; } = SubscriptionMode.Immediate;

    public DigestPeriod DigestPeriod { get; set; } = DefaultDigestPeriod;

    /// <summary>The highest severity that waits for the digest; anything above goes out at once.</summary>
    public Severity DigestMaxSeverity { get; set; } = DefaultDigestMaxSeverity;

    /// <summary>Local time (in <see cref="TimeZone"/>) of the daily digest.</summary>
    public TimeOnly DigestTime { get; set; } = DefaultDigestTime;

    /// <summary>
    /// Local hours (<c>22:00-07:00</c>) in which nothing but Extreme alerts is sent; what falls into them is sent,
    /// in its latest version, when they end. Unset means none.
    /// </summary>
    public string? QuietHours { get; set; }

    /// <summary>IANA time zone of <see cref="QuietHours"/> and <see cref="DigestTime"/>, e.g. Europe/Kyiv.</summary>
    public string TimeZone { get; set; } = DefaultTimeZone;

    /// <summary>
    /// Deliveries per hour to this subscription's recipient before further non-Extreme alerts are held back;
    /// unset uses the channel's default (<c>OutageAlerts:Delivery:RecipientCaps</c>), 0 means no cap.
    /// </summary>
    public int? MaxPerHour { get; set; }

    /// <summary>The configuration path of this entry, e.g. <c>OutageAlerts:Subscriptions:2</c>, for error messages.</summary>
    public string ConfigurationPath { get; set; } = "";

    public override string ToString() => $"{Id} ({Channel})";
}
