namespace OutageAlerts.Contracts;

/// <summary>
/// One version of an incident's alert: the <c>data</c> object of a webhook (DESIGN.md contract 4) and the
/// payload of every alert event. <see cref="AlertId"/> is stable for the incident; <see cref="Version"/>
/// grows by one with each message.
/// </summary>
public sealed record Alert
{
    public required string AlertId { get; init; }
    public required int Version { get; init; }
    public required MsgType MsgType { get; init; }
    public required DateTimeOffset Sent { get; init; }
    public required Severity Severity { get; init; }
    public required Urgency Urgency { get; init; }
    public required Certainty Certainty { get; init; }
    /// <summary>CAP <c>event</c>: what happened, in a few words, e.g. "Strike on energy infrastructure".</summary>
    public required string Event { get; init; }

    public required string Headline { get; init; }
    public required string Description { get; init; }
    public IReadOnlyList<string> Targets { get; init; } = [];
    public string? Country { get; init; }
    public IReadOnlyList<string> Regions { get; init; } = [];
    public int? Killed { get; init; }
    public int? Injured { get; init; }
    public long? OutageCustomers { get; init; }
    public IReadOnlyList<string> Reasons { get; init; } = [];
    public IReadOnlyList<string> Changes { get; init; } = [];
    public IReadOnlyList<AlertSource> Sources { get; init; } = [];

    /// <summary>
    /// CAP <c>references</c> of an Update or Cancel: the earlier versions it supersedes, each as
    /// <c>sender,identifier,sent</c>. Empty for the first version.
    /// </summary>
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>Language of the report the alert text comes from (ISO 639-1).</summary>
    public string? Language { get; init; }

    /// <summary>Centre and radius of the affected area, when the gazetteer knows the place.</summary>
    public AlertArea? Area { get; init; }

    /// <summary>When the first report of the incident was fetched; delivery latency is measured from here.</summary>
    public DateTimeOffset? FirstSeen { get; init; }
}

/// <summary>A feed item that reported the incident; <see cref="ItemId"/> is the item's guid/id.</summary>
public sealed record AlertSource(string Feed, string ItemId, string? Title, string? Url, DateTimeOffset? Published);

/// <summary>A circle around the affected place, in WGS 84 degrees and kilometres (CAP <c>circle</c>).</summary>
public sealed record AlertArea(string Description, double Latitude, double Longitude, double RadiusKm);
