using OutageAlerts.Contracts;

namespace OutageAlerts.Incidents;

/// <summary>Turns classified reports into incident decisions and the alert messages they publish.</summary>
public interface IIncidentCorrelator
{
    /// <summary>
    /// Correlates one report. Processing the same item again (a crash between correlating and recording it as seen)
    /// returns the decision it got the first time, with the same alert id and version.
    /// </summary>
    Task<IncidentDecision> CorrelateAsync(ClassifiedReport report, CancellationToken cancellationToken);

    /// <summary>
    /// Messages whose hold has expired by <paramref name="now"/>: first messages held for corroboration and updates
    /// deferred by the minimum update interval. Each is returned once; publish them in order (msgType Alert as
    /// <c>AlertRaised</c>, Update as <c>AlertUpdated</c>).
    /// </summary>
    Task<IReadOnlyList<Alert>> ReleaseDueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Withdraws an alert: returns the Cancel message to publish as <c>AlertCancelled</c>, or null when the id is
    /// unknown, already cancelled, or was still held (then it is cancelled without ever being announced).
    /// </summary>
    Task<Alert?> CancelAsync(string alertId, string reason, CancellationToken cancellationToken);
}

public enum IncidentOutcome
{
    /// <summary>Not an alert: nothing to correlate.</summary>
    Ignored,

    /// <summary>A new incident: publish <c>AlertRaised</c>.</summary>
    New,

    /// <summary>A known incident changed materially: publish <c>AlertUpdated</c>.</summary>
    Updated,

    /// <summary>A known incident, nothing material changed: kept as a source, no message.</summary>
    Duplicate,

    /// <summary>
    /// The incident's message is held back (first message gathering corroboration, or an update waiting for the
    /// minimum interval): <see cref="IIncidentCorrelator.ReleaseDueAsync"/> returns it when it falls due.
    /// </summary>
    Held,
}

/// <summary>The correlator's verdict; <see cref="Alert"/> is the message to publish, when there is one.</summary>
public sealed record IncidentDecision(IncidentOutcome Outcome, string? IncidentId, Alert? Alert)
{
    public static readonly IncidentDecision Ignored = new(IncidentOutcome.Ignored, null, null);
}
