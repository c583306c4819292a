using System.Globalization;
using System.Text;
using OutageAlerts.Contracts;

namespace OutageAlerts.Incidents;

/// <summary>Writes the human-facing parts of an alert (event, headline, description) from a report.</summary>
public static class AlertComposer
{
    // CAP headlines should fit a pager line; SMS and subject lines build on this.
    public const int MaxHeadlineLength = 160;
    public const int MaxDescriptionLength = 2000;

    // Most specific first: the first target found names the event.
    private static readonly (string Target, string Event)[] EventNames =
    [
        ("medical", "Strike on a medical facility"),
        ("education", "Strike on an education facility"),
        ("humanitarian", "Strike on humanitarian aid"),
        ("power_grid", "Strike on energy infrastructure"),
        ("heating", "Strike on heat supply"),
        ("water", "Strike on water supply"),
        ("gas", "Strike on gas infrastructure"),
        ("transport", "Strike on transport"),
        ("residential", "Strike on residential buildings"),
        ("telecom", "Strike on telecommunications"),
        ("religious_cultural", "Strike on a religious or cultural site"),
        ("commercial", "Strike on a commercial site"),
    ];

    public static string EventFor(IReadOnlyCollection<string> targets)
    {
        foreach (var (target, name) in EventNames)
        {
            if (targets.Contains(target))
            {
                return name;
            }
        }

        return "Strike on a civilian site";
    }

    public static string Headline(ClassifiedReport report) =>
        Truncate(string.IsNullOrWhiteSpace(report.Report.Title) ? EventFor(report.Assessment.Targets) : report.Report.Title.Trim(), MaxHeadlineLength);

    public static string Description(ClassifiedReport report)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(report.Report.Summary))
        {
            text.Append(report.Report.Summary.Trim());
        }

        var assessment = report.Assessment;
        var figures = new List<string>();
        if (assessment.Killed is { } killed)
        {
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"{killed} killed"));
        }

        if (assessment.Injured is { } injured)
        {
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"{injured} injured"));
        }

        if (assessment.OutageCustomers is { } customers)
        {
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"{customers:N0} customers without supply"));
        }

        if (figures.Count > 0)
        {
            if (text.Length > 0)
            {
                text.Append("\n\n");
            }

            text.Append("Reported: ").Append(string.Join(", ", figures)).Append('.');
        }

        return Truncate(text.ToString(), MaxDescriptionLength);
    }

    public static AlertArea? AreaFor(ClassifiedReport report) =>
        report.Assessment.Place is { } place
            ? new AlertArea(place.Name, place.Latitude, place.Longitude, place.RadiusKm)
            : null;

    private static string Truncate(string value, int max) =>
        value.Length <= max ? value : string.Concat(value.AsSpan(0, max - 1).TrimEnd(), "…");
}
