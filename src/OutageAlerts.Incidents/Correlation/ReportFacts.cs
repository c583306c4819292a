using System.Text.Json.Serialization;
using OutageAlerts.Contracts;

namespace OutageAlerts.Incidents.Correlation;

/// <summary>
/// What correlation keeps of one report: enough to match later reports against it and to rebuild the incident's
/// state from its reports alone (stored as JSON with the report).
/// </summary>
internal sealed record ReportFacts : IJsonOnDeserialized
{
    private string _headline = "";

    public required string ItemKey { get; init; }

    [JsonConverter(typeof(SharedTextConverter))]
    public required string Feed { get; init; }
    public required string ItemId { get; init; }
    public string? Title { get; init; }
    public string? Url { get; init; }

    /// <summary>When the report was written: the item's published time, or when it was fetched if the feed gave none.</summary>
    public required DateTimeOffset Published { get; init; }

    /// <summary>Whether <see cref="Published"/> came from the feed (an item without a date is placed at its fetch time).</summary>
    public bool HasPublished { get; init; }
    public required DateTimeOffset FetchedAt { get; init; }

    [JsonConverter(typeof(SharedTextConverter))]
    public string? Country { get; init; }

    [JsonConverter(typeof(SharedTextConverter))]
    public string? Region { get; init; }

    [JsonConverter(typeof(SharedTextListConverter))]
    public IReadOnlyList<string> Regions { get; init; } = [];

    public AlertArea? Place { get; init; }

    [JsonConverter(typeof(SharedTextListConverter))]
    public IReadOnlyList<string> Targets { get; init; } = [];
    public int? Killed { get; init; }
    public int? Injured { get; init; }
    public long? OutageCustomers { get; init; }
    public Severity Severity { get; init; }
    public Urgency Urgency { get; init; }
    public Certainty Certainty { get; init; }

    [JsonConverter(typeof(SharedTextConverter))]
    public string? Language { get; init; }

    [JsonConverter(typeof(SharedTextListConverter))]
    public IReadOnlyList<string> Reasons { get; init; } = [];

    public string Headline { get => _headline; init => _headline = value; }

    public string Description { get; init; } = "";
    [JsonConverter(typeof(SharedKeyListConverter))]
    public IReadOnlyList<string> NameKeys { get; init; } = [];

    /// <summary>The subset of <see cref="NameKeys"/> that are certainly names (not sentence-initial common words).</summary>
    [JsonConverter(typeof(SharedKeyListConverter))]
    public IReadOnlyList<string> ProperNameKeys { get; init; } = [];

    [JsonConverter(typeof(SharedKeyListConverter))]
    public IReadOnlyList<string> ContentKeys { get; init; } = [];

    /// <summary>
    /// True for the copy the correlator's cache keeps (<see cref="ForMatching"/>): it lacks the texts an alert is made
    /// of, so no alert may be built from it.
    /// </summary>
    [JsonIgnore]
    public bool ForMatchingOnly { get; init; }

    /// <summary>
    /// What matching reads of the report (keys, places, times, figures), without the title, link, headline,
    /// description and reasons: the correlator's cache keeps the open incidents' reports this way, and reads the whole
    /// facts of the one incident a report joins (issue 10: with 10,000 open incidents the texts were most of the cache).
    /// </summary>
    public ReportFacts ForMatching() => ForMatchingOnly
        ? this
        : this with { Title = null, Url = null, Headline = "", Description = "", Reasons = [], ForMatchingOnly = true };

    public static ReportFacts From(ClassifiedReport report)
    {
        var assessment = report.Assessment;
        var regions = assessment.Regions.Count > 0 || assessment.Region is null ? assessment.Regions : [assessment.Region];
        var keys = TextKeys.Compute(report.Report.Title, report.Report.Summary);
        return new ReportFacts
        {
            ItemKey = report.ItemKey,
            Feed = report.Feed,
            ItemId = report.ItemId,
            Title = report.Report.Title,
            Url = report.Url,
            Published = report.Report.Published ?? report.FetchedAt,
            HasPublished = report.Report.Published is not null,
            FetchedAt = report.FetchedAt,
            Country = assessment.Country,
            Region = assessment.Region,
            Regions = regions,
            Place = AlertComposer.AreaFor(report),
            Targets = assessment.Targets,
            Killed = assessment.Killed,
            Injured = assessment.Injured,
            OutageCustomers = assessment.OutageCustomers,
            Severity = assessment.Severity,
            Urgency = assessment.Urgency,
            Certainty = assessment.Certainty,
            Language = assessment.Language,
            Reasons = assessment.Reasons,
            Headline = AlertComposer.Headline(report),
            Description = AlertComposer.Description(report),
            NameKeys = keys.Names,
            ProperNameKeys = keys.ProperNames,
            ContentKeys = keys.Content,
        };
    }

    /// <summary>Most headlines are the report's title as it is: read back from the store, one instance serves both.</summary>
    void IJsonOnDeserialized.OnDeserialized()
    {
        if (Title is { } title && string.Equals(_headline, title, StringComparison.Ordinal))
        {
            _headline = title;
        }
    }

    /// <summary>Orders reports as they were written; the fetch time and key break ties deterministically.</summary>
    public static int CompareByPublished(ReportFacts? a, ReportFacts? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (a is null || b is null)
        {
            return a is null ? -1 : 1;
        }

        var byPublished = a.Published.CompareTo(b.Published);
        if (byPublished != 0)
        {
            return byPublished;
        }

        var byFetched = a.FetchedAt.CompareTo(b.FetchedAt);
        return byFetched != 0 ? byFetched : string.CompareOrdinal(a.ItemKey, b.ItemKey);
    }

    /// <summary>Share of word keys two texts have in common (Jaccard): near 1 for syndicated copies.</summary>
    public static double ContentSimilarity(ReportFacts a, ReportFacts b)
    {
        if (a.ContentKeys.Count == 0 || b.ContentKeys.Count == 0)
        {
            return 0;
        }

        var shared = a.ContentKeys.Intersect(b.ContentKeys, StringComparer.Ordinal).Count();
        return (double)shared / (a.ContentKeys.Count + b.ContentKeys.Count - shared);
    }
}
