using System.Globalization;
using OutageAlerts.Contracts;

namespace OutageAlerts.Incidents.Tests.Evaluation;

/// <summary>How replayed alerts compare with labelled incidents (the acceptance measures, as this project reads them).</summary>
/// <param name="IncidentRecall">Labelled incidents with at least one report in some alert.</param>
/// <param name="AlertPrecision">Alerts whose reports are mostly labelled alerts.</param>
/// <param name="SplitRate">Recalled incidents whose reports went to more than one alert id.</param>
/// <param name="MergeRate">Alerts holding reports of more than one labelled incident.</param>
/// <param name="TollAccuracy">Incidents whose alert's last version states the latest report's death toll.</param>
/// <param name="VersionsWellFormed">Every alert's versions run 1, 2, … and start with Alert, then Update/Cancel.</param>
public sealed record CorrelationMetrics(
    int Incidents,
    int Alerts,
    double IncidentRecall,
    double AlertPrecision,
    double SplitRate,
    double MergeRate,
    double TollAccuracy,
    bool VersionsWellFormed)
{
    public static CorrelationMetrics Measure(IReadOnlyList<LabelledItem> items, IReadOnlyList<Alert> messages)
    {
        var incidentOf = items.ToDictionary(i => i.Id, i => i.Expect.Incident, StringComparer.Ordinal);
        var byAlert = messages.GroupBy(m => m.AlertId, StringComparer.Ordinal).ToList();
        var itemsOfAlert = byAlert.ToDictionary(
            g => g.Key,
            g => g.SelectMany(m => m.Sources).Select(s => s.ItemId).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);

        var incidents = items.Where(i => i.Expect.Incident is not null).GroupBy(i => i.Expect.Incident!).ToList();
        var recalled = 0;
        var split = 0;
        var tollRight = 0;
        foreach (var incident in incidents)
        {
            var ids = incident.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            var alerts = itemsOfAlert.Where(a => a.Value.Overlaps(ids)).Select(a => a.Key).ToList();
            if (alerts.Count == 0)
            {
                continue;
            }

            recalled++;
            split += alerts.Count > 1 ? 1 : 0;
            var latest = incident.MaxBy(i => i.Published)!;
            var holder = itemsOfAlert.FirstOrDefault(a => a.Value.Contains(latest.Id)).Key ?? alerts[0];
            var last = messages.Last(m => m.AlertId == holder);
            tollRight += last.Killed == latest.Expect.Killed ? 1 : 0;
        }

        var precise = 0;
        var merged = 0;
        foreach (var (_, itemIds) in itemsOfAlert)
        {
            var labels = itemIds.Select(id => incidentOf.GetValueOrDefault(id)).ToList();
            precise += labels.Count(l => l is not null) * 2 >= labels.Count ? 1 : 0;
            merged += labels.OfType<string>().Distinct(StringComparer.Ordinal).Count() > 1 ? 1 : 0;
        }

        var wellFormed = byAlert.All(g =>
        {
            var versions = g.OrderBy(m => m.Version).ToList();
            return versions[0].MsgType == MsgType.Alert &&
                   versions.Select((m, i) => m.Version == i + 1).All(ok => ok) &&
                   versions.Skip(1).All(m => m.MsgType is MsgType.Update or MsgType.Cancel);
        });

        return new CorrelationMetrics(
            incidents.Count,
            byAlert.Count,
            Ratio(recalled, incidents.Count),
            Ratio(precise, byAlert.Count),
            Ratio(split, recalled),
            Ratio(merged, byAlert.Count),
            Ratio(tollRight, recalled),
            wellFormed);
    }

    /// <summary>The mean of several runs (packed timelines with different seeds).</summary>
    public static CorrelationMetrics Average(IReadOnlyList<CorrelationMetrics> all) => new(
        all[0].Incidents,
        (int)Math.Round(all.Average(m => m.Alerts)),
        all.Average(m => m.IncidentRecall),
        all.Average(m => m.AlertPrecision),
        all.Average(m => m.SplitRate),
        all.Average(m => m.MergeRate),
        all.Average(m => m.TollAccuracy),
        all.All(m => m.VersionsWellFormed));

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"incidents {Incidents}, alerts {Alerts}, recall {IncidentRecall:0.000}, precision {AlertPrecision:0.000}, " +
        $"split {SplitRate:0.000}, merge {MergeRate:0.000}, toll {TollAccuracy:0.000}, versions ok {VersionsWellFormed}");

    private static double Ratio(int part, int whole) => whole == 0 ? 1 : (double)part / whole;
}
