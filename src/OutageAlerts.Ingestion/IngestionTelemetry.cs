using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OutageAlerts.Ingestion;

/// <summary>The ingestion area's ActivitySource and Meter, one each for the process.</summary>
public static class IngestionTelemetry
{
    public const string Name = "OutageAlerts.Ingestion";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    // Last successful poll per feed, as Unix seconds; Prometheus turns it into staleness with time() - value, so the
    // process needs no clock of its own for it (the *_timestamp_seconds idiom).
    private static readonly Gauge<double> LastSuccess = Meter.CreateGauge<double>(
        "outagealerts.feed.last_success.timestamp", "s", "When each feed was last polled successfully (Unix time); staleness is now minus this.");

    internal static void RecordSuccess(string feed, DateTimeOffset at) =>
        LastSuccess.Record(at.ToUnixTimeMilliseconds() / 1000.0, new KeyValuePair<string, object?>("outagealerts.feed.name", feed));

    internal static readonly Counter<long> Polls = Meter.CreateCounter<long>(
        "outagealerts.feed.polls", "{poll}", "Feed polls by outcome (ok, not_modified, failed, parse_failed, gone, disabled).");

    internal static readonly Histogram<double> FetchDuration = Meter.CreateHistogram<double>(
        "outagealerts.feed.fetch.duration", "s", "Time to fetch one feed document.");

    internal static readonly Counter<long> ItemsParsed = Meter.CreateCounter<long>(
        "outagealerts.feed.items.parsed", "{item}", "Items found in fetched feed documents.");

    internal static readonly Counter<long> ItemsNew = Meter.CreateCounter<long>(
        "outagealerts.feed.items.new", "{item}", "Items not seen before.");

    /// <summary>
    /// Classified reports by decision, severity and target. An alerting report counts once per target it hit, so
    /// that "how many strikes on water supply" is one query; a report that is not an alert counts once, with
    /// target <see cref="NoTarget"/>.
    /// </summary>
    internal static readonly Counter<long> Classifications = Meter.CreateCounter<long>(
        "outagealerts.classifications", "{classification}", "Classified reports by decision, severity and target; an alerting report counts once per target.");

    internal const string AlertDecision = "alert";
    internal const string NoAlertDecision = "no_alert";
    internal const string NoTarget = "none";

    internal static string Decision(bool alert) => alert ? AlertDecision : NoAlertDecision;

    internal static void RecordClassification(bool alert, string severity, IReadOnlyCollection<string> targets)
    {
        var decision = new KeyValuePair<string, object?>("outagealerts.classification.decision", Decision(alert));
        var level = new KeyValuePair<string, object?>("outagealerts.severity", severity);
        if (!alert || targets.Count == 0)
        {
            Classifications.Add(1, decision, level, new KeyValuePair<string, object?>("outagealerts.target", NoTarget));
            return;
        }

        foreach (var target in targets)
        {
            Classifications.Add(1, decision, level, new KeyValuePair<string, object?>("outagealerts.target", target));
        }
    }

    internal static readonly Counter<long> AlertsPublished = Meter.CreateCounter<long>(
        "outagealerts.alerts.published", "{message}", "Alert messages published, by message type and severity.");
}
