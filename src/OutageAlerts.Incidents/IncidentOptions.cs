using System.ComponentModel.DataAnnotations;
using OutageAlerts.Contracts;

namespace OutageAlerts.Incidents;

/// <summary>Correlation and storm control, bound from <c>OutageAlerts:Incidents</c>.</summary>
/// <remarks>
/// The timers follow Alertmanager's idea: wait briefly before the first message to gather corroboration, do not
/// re-notify more often than an interval, and let an incident go quiet before it closes.
/// </remarks>
public sealed class IncidentOptions
{
    public const string SectionName = "OutageAlerts:Incidents";

    public static readonly TimeSpan DefaultFirstMessageHold = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultMinUpdateInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultQuietPeriod = TimeSpan.FromHours(36);
    public static readonly TimeSpan DefaultCorrelationWindow = TimeSpan.FromHours(30);
    public static readonly TimeSpan DefaultMaxIncidentSpan = TimeSpan.FromHours(72);
    public const Severity DefaultImmediateSeverity = Severity.Extreme;
    public const double DefaultMatchThreshold = 3.0;
    public static readonly TimeSpan DefaultReleaseRetryAfter = TimeSpan.FromMinutes(1);

    /// <summary>How long the first message of an incident below <see cref="ImmediateSeverity"/> waits for corroboration.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan FirstMessageHold { get; set; } = DefaultFirstMessageHold;

    /// <summary>Incidents at or above this severity are announced without a hold.</summary>
    public Severity ImmediateSeverity { get; set; } = DefaultImmediateSeverity;

    /// <summary>Least time between two updates of one alert, unless its severity rises.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MinUpdateInterval { get; set; } = DefaultMinUpdateInterval;

    /// <summary>An incident without a new report for this long is closed: later reports start a new incident.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "30.00:00:00")]
    public TimeSpan QuietPeriod { get; set; } = DefaultQuietPeriod;

    /// <summary>A report joins an incident only if it was published within this time of one of the incident's reports.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "30.00:00:00")]
    public TimeSpan CorrelationWindow { get; set; } = DefaultCorrelationWindow;

    /// <summary>Longest time between the first and the last report of one incident.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "60.00:00:00")]
    public TimeSpan MaxIncidentSpan { get; set; } = DefaultMaxIncidentSpan;

    /// <summary>
    /// A released held message that was not confirmed as published within this time is released again (same id and
    /// version), so a crash between release and publish loses nothing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan ReleaseRetryAfter { get; set; } = DefaultReleaseRetryAfter;

    /// <summary>Evidence score a report needs to join an incident (see docs/incidents.md for the scale).</summary>
    [Range(0.0, 100.0)]
    public double MatchThreshold { get; set; } = DefaultMatchThreshold;
}
