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
    /// Correlates reports in the order given, in one transaction: the decisions are those of calling
    /// <see cref="CorrelateAsync(ClassifiedReport, CancellationToken)"/> for each in turn (a later report can join the
    /// incident an earlier one started), but the store's write lock is taken and committed once. All or nothing: when
    /// it throws, none of them is recorded. Each report's span goes under its <see cref="ClassifiedReport.ParentSpan"/>.
    /// </summary>
    Task<IReadOnlyList<IncidentDecision>> CorrelateAsync(IReadOnlyList<ClassifiedReport> reports, CancellationToken cancellationToken);

    /// <summary>
    /// Messages whose hold has expired by <paramref name="now"/>: first messages held for corroboration and updates
    /// deferred by the minimum update interval. Publish them in order (msgType Alert as <c>AlertRaised</c>, Update as
    /// <c>AlertUpdated</c>), each under the trace of the report that held it, and confirm each with
    /// <see cref="ConfirmReleasedAsync"/> once the bus accepted it. A message not confirmed within
    /// <see cref="IncidentOptions.ReleaseRetryAfter"/> (the process died, the broker was down) is returned again, with
    /// the same alert id, version and content, so delivery deduplicates it if it did go out.
    /// </summary>
    Task<IReadOnlyList<ReleasedAlert>> ReleaseDueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records that a message returned by <see cref="ReleaseDueAsync"/> was published; idempotent.</summary>
    Task ConfirmReleasedAsync(string alertId, int version, CancellationToken cancellationToken);

    /// <summary>
    /// Withdraws an alert (operator command). When the alert was announced, the result holds the Cancel message
    /// (version + 1, CAP references to every earlier version) to publish as <c>AlertCancelled</c>; an incident still
    /// held is cancelled without ever being announced. Later reports of a cancelled incident publish nothing.
    /// </summary>
    Task<CancelResult> CancelAsync(string alertId, string reason, CancellationToken cancellationToken);
}

public enum CancelOutcome
{
    /// <summary>Cancelled: publish <see cref="CancelResult.Alert"/> as <c>AlertCancelled</c>.</summary>
    Cancelled,

    /// <summary>The incident's first message was still held: cancelled with nothing to publish.</summary>
    CancelledBeforeAnnounced,

    /// <summary>No incident has this alert id.</summary>
    Unknown,

    /// <summary>The alert was cancelled before; <see cref="CancelResult.Alert"/> is the Cancel message it got then, if any.</summary>
    AlreadyCancelled,
}

/// <param name="Alert">The Cancel message (for <see cref="CancelOutcome.Cancelled"/> and, when one was sent, <see cref="CancelOutcome.AlreadyCancelled"/>).</param>
public sealed record CancelResult(CancelOutcome Outcome, Alert? Alert);

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

/// <summary>A held message that fell due, with the W3C trace context of the report that held it.</summary>
/// <param name="TraceParent">The <c>traceparent</c> (W3C) of the report's processing when the message was held, if traced.</param>
/// <param name="TraceState">The W3C <c>tracestate</c> that went with it.</param>
public sealed record ReleasedAlert(Alert Alert, string? TraceParent, string? TraceState);

/// <summary>The correlator's verdict; <see cref="Alert"/> is the message to publish, when there is one.</summary>
public sealed record IncidentDecision(IncidentOutcome Outcome, string? IncidentId, Alert? Alert)
{
    public static readonly IncidentDecision Ignored = new(IncidentOutcome.Ignored, null, null);
}
