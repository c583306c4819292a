using OutageAlerts.Contracts;

namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>One entry of <c>OutageAlerts:Subscriptions:N</c> (DESIGN.md contract 5).</summary>
public sealed class Subscription
{
    /// <summary>Every alert is delivered unless a subscription asks for a higher severity.</summary>
    public const Severity DefaultMinSeverity = Severity.Unknown;

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

    /// <summary>The configuration path of this entry, e.g. <c>OutageAlerts:Subscriptions:2</c>, for error messages.</summary>
    public string ConfigurationPath { get; set; } = "";

    public override string ToString() => $"{Id} ({Channel})";
}
