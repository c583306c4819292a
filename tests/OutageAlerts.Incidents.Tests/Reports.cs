using OutageAlerts.Classification;
using OutageAlerts.Contracts;

namespace OutageAlerts.Incidents.Tests;

/// <summary>Hand-built classified reports for correlation scenarios (the classifier is not under test here).</summary>
internal static class Reports
{
    public static readonly DateTimeOffset Night = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);

    public static readonly Place KharkivCity = new("Kharkiv", "UA", "UA-63", 49.99, 36.23, 12);
    public static readonly Place Kupiansk = new("Kupiansk", "UA", "UA-63", 49.71, 37.62, 6);
    public static readonly Place Odesa = new("Odesa", "UA", "UA-51", 46.48, 30.72, 12);

    public static ClassifiedReport Make(
        string id,
        string title,
        string summary,
        DateTimeOffset published,
        string feed = "wire",
        string lang = "en",
        Severity severity = Severity.Severe,
        string[]? targets = null,
        string? country = "UA",
        string? region = "UA-63",
        string[]? regions = null,
        int? killed = null,
        int? injured = null,
        long? outage = null,
        Place? place = null,
        Certainty certainty = Certainty.Likely,
        bool alert = true,
        DateTimeOffset? fetched = null) => new(
        feed,
        $"{feed}:{id}",
        id,
        $"https://{feed}.example/{id}",
        new Report(id, title, summary, published, lang, feed),
        new Assessment
        {
            Alert = alert,
            Severity = alert ? severity : Severity.None,
            Urgency = Urgency.Immediate,
            Certainty = certainty,
            Language = lang,
            Targets = targets ?? ["residential"],
            Country = country,
            Region = region,
            Regions = regions ?? (region is null ? [] : [region]),
            Killed = killed,
            Injured = injured,
            OutageCustomers = outage,
            Place = place,
            Reasons = [$"{severity} by the test"],
        },
        fetched ?? published.AddMinutes(3));
}
