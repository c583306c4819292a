using System.Globalization;
using OutageAlerts.Contracts;

namespace OutageAlerts.Incidents.Correlation;

/// <summary>
/// An incident's current picture, rebuilt from all its reports: figures follow the latest report (by published
/// time) that states them, including revisions downward; targets and regions accumulate; severity is the highest
/// any report reached; certainty rises with independent corroboration.
/// </summary>
internal sealed record IncidentSnapshot
{
    /// <summary>Reports whose texts are this similar are copies of one story, not independent corroboration.</summary>
    public const double SyndicatedSimilarity = 0.6;

    public required Severity Severity { get; init; }
    public required Urgency Urgency { get; init; }
    public required Certainty Certainty { get; init; }
    public required string Event { get; init; }
    public required string Headline { get; init; }
    public required string Description { get; init; }
    public required IReadOnlyList<string> Targets { get; init; }
    public string? Country { get; init; }
    public required IReadOnlyList<string> Regions { get; init; }
    public int? Killed { get; init; }
    public int? Injured { get; init; }
    public long? OutageCustomers { get; init; }
    public required IReadOnlyList<string> Reasons { get; init; }
    public required IReadOnlyList<AlertSource> Sources { get; init; }
    public string? Language { get; init; }
    public AlertArea? Area { get; init; }
    public DateTimeOffset FirstSeen { get; init; }
    public int IndependentSources { get; init; }

    public static IncidentSnapshot Build(IEnumerable<ReportFacts> reports)
    {
        var ordered = reports.ToList();
        if (ordered.Count == 0)
        {
            throw new ArgumentException("An incident has at least one report.", nameof(reports));
        }

        if (ordered.Find(r => r.ForMatchingOnly) is { } partial)
        {
            throw new ArgumentException($"Report {partial.ItemKey} is the correlator's cached copy for matching, without the texts of an alert.", nameof(reports));
        }

        ordered.Sort(ReportFacts.CompareByPublished);
        var latest = ordered[^1];
        var severity = ordered.Max(r => r.Severity);
        // The reasons of the latest report that reached the incident's severity explain it best.
        var severityReport = ordered.Last(r => r.Severity == severity);
        var independent = CountIndependentSources(ordered);
        var certainty = Corroborated(ordered.Max(r => r.Certainty), independent);

        var reasons = new List<string>(severityReport.Reasons);
        if (independent > 1)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"reported by {independent} independent sources"));
        }

        var targets = ordered.SelectMany(r => r.Targets).Distinct(StringComparer.Ordinal).ToList();
        return new IncidentSnapshot
        {
            Severity = severity,
            Urgency = ordered.Max(r => r.Urgency),
            Certainty = certainty,
            Event = AlertComposer.EventFor(targets),
            Headline = latest.Headline,
            Description = latest.Description,
            Targets = targets,
            Country = ordered.LastOrDefault(r => r.Country is not null)?.Country,
            Regions = ordered.SelectMany(r => r.Regions).Distinct(StringComparer.Ordinal).ToList(),
            Killed = ordered.LastOrDefault(r => r.Killed is not null)?.Killed,
            Injured = ordered.LastOrDefault(r => r.Injured is not null)?.Injured,
            OutageCustomers = ordered.LastOrDefault(r => r.OutageCustomers is not null)?.OutageCustomers,
            Reasons = reasons,
            Sources = [.. ordered.Select(r => new AlertSource(r.Feed, r.ItemId, r.Title, r.Url, r.HasPublished ? r.Published : null))],
            Language = latest.Language,
            // The most precise place anchors the area. A roundup spanning several regions names cities in passing; a
            // circle around the first of them would tell subscribers the wrong place, so it anchors nothing.
            Area = ordered.Where(r => r.Place is not null && (r.Region is not null || r.Regions.Count <= 1)).MinBy(r => r.Place!.RadiusKm)?.Place,
            FirstSeen = ordered.Min(r => r.FetchedAt),
            IndependentSources = independent,
        };
    }

    public Alert ToAlert(string alertId, int version, MsgType msgType, DateTimeOffset sent, IReadOnlyList<string> changes, IReadOnlyList<string> references) => new()
    {
        AlertId = alertId,
        Version = version,
        MsgType = msgType,
        Sent = sent,
        Severity = Severity,
        Urgency = Urgency,
        Certainty = Certainty,
        Event = Event,
        Headline = Headline,
        Description = Description,
        Targets = Targets,
        Country = Country,
        Regions = Regions,
        Killed = Killed,
        Injured = Injured,
        OutageCustomers = OutageCustomers,
        Reasons = Reasons,
        Changes = changes,
        References = references,
        Sources = Sources,
        Language = Language,
        Area = Area,
        FirstSeen = FirstSeen,
    };

    /// <summary>
    /// Distinct feeds among reports that are not copies of an earlier report: a wire story syndicated by three
    /// outlets is one source.
    /// </summary>
    internal static int CountIndependentSources(IReadOnlyList<ReportFacts> ordered)
    {
        var originals = new List<ReportFacts>();
        foreach (var report in ordered)
        {
            if (!originals.Any(o => ReportFacts.ContentSimilarity(o, report) >= SyndicatedSimilarity))
            {
                originals.Add(report);
            }
        }

        return originals.Select(r => r.Feed).Distinct(StringComparer.Ordinal).Count();
    }

    /// <summary>Two independent sources make an event at least likely; three make it observed.</summary>
    internal static Certainty Corroborated(Certainty reported, int independentSources) => independentSources switch
    {
        >= 3 => Certainty.Observed,
        2 => reported < Certainty.Likely ? Certainty.Likely : reported,
        _ => reported,
    };
}
