namespace OutageAlerts.Delivery.Pull;

/// <summary>Bound from <c>OutageAlerts:Pull</c>: what the pull outputs (CAP Atom feed, GeoJSON) show.</summary>
public sealed class PullOptions
{
    public const string SectionName = "OutageAlerts:Pull";

    /// <summary>An alert whose latest version is older than this no longer counts as current.</summary>
    public static readonly TimeSpan DefaultCurrentWindow = TimeSpan.FromHours(48);

    public static readonly TimeSpan MinCurrentWindow = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxCurrentWindow = TimeSpan.FromDays(30);

    public const int DefaultMaxEntries = 500;

    public const int MaxMaxEntries = 5000;

    public TimeSpan CurrentWindow { get; set; } = DefaultCurrentWindow;

    /// <summary>Most entries in one response, newest first; keeps a response bounded whatever happened.</summary>
    public int MaxEntries { get; set; } = DefaultMaxEntries;

    /// <summary>
    /// The public address of the service (e.g. <c>https://alerts.example.org/</c>) for absolute links in the feed;
    /// unset, links are built from the request, which behind a proxy may be an internal address.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }
}
