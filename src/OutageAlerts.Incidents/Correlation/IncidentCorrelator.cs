using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Persistence;

namespace OutageAlerts.Incidents.Correlation;

/// <summary>
/// Matches each alerting report against the open incidents, folds it into the best one (or starts a new one) and
/// applies the lifecycle; every step is one locked transaction in the store, so a restart or a second replica
/// continues exactly where the last committed step left off.
/// </summary>
internal sealed partial class IncidentCorrelator(
    IncidentStore store,
    IOptions<IncidentOptions> options,
    TimeProvider timeProvider,
    ILogger<IncidentCorrelator> logger) : IIncidentCorrelator
{
    public async Task<IncidentDecision> CorrelateAsync(ClassifiedReport report, CancellationToken cancellationToken) =>
        (await CorrelateAsync([report], cancellationToken))[0];

    public async Task<IReadOnlyList<IncidentDecision>> CorrelateAsync(IReadOnlyList<ClassifiedReport> reports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var decisions = new IncidentDecision[reports.Count];
        var alerting = new List<Pending>(reports.Count);
        var now = timeProvider.GetUtcNow();
        var o = options.Value;
        for (var i = 0; i < reports.Count; i++)
        {
            if (!reports[i].Assessment.Alert)
            {
                Count(IncidentOutcome.Ignored);
                decisions[i] = IncidentDecision.Ignored;
                continue;
            }

            // Parsed, serialised and planned before the transaction: the store's writer (one thread for SQLite, a held
            // lock for PostgreSQL) runs only what needs it, and every stage of the service waits for it. The writer
            // does not run in the caller's execution context, so each report's span parent is taken here.
            var parent = reports[i].ParentSpan == default ? Activity.Current?.Context ?? default : reports[i].ParentSpan;
            var facts = ReportFacts.From(reports[i]);
            alerting.Add(new Pending(i, facts, JsonSerializer.SerializeToUtf8Bytes(facts, IncidentStore.Json), PlanStart(facts, now, o), parent));
        }

        if (alerting.Count == 0)
        {
            return decisions;
        }

        await store.InTransactionAsync(
            async session =>
            {
                foreach (var pending in alerting)
                {
                    using var activity = IncidentsTelemetry.Source.StartActivity("correlate report", ActivityKind.Internal, pending.Parent);
                    activity?.SetTag("outagealerts.item.key", pending.Facts.ItemKey);
                    // A message this report holds back is published later by another job; it goes out under this trace.
                    var trace = new HoldTrace(activity?.Id ?? TraceParent(pending.Parent), activity?.TraceStateString ?? pending.Parent.TraceState);
                    var decision = await CorrelateAsync(session, pending, now, o, trace);
                    activity?.SetTag("outagealerts.incident.id", decision.IncidentId);
                    activity?.SetTag("outagealerts.incident.decision", decision.Outcome.ToString());
                    decisions[pending.Index] = decision;
                }

                return alerting.Count;
            },
            cancellationToken);

        // Counted once committed: a batch that failed is correlated again, and would count twice.
        foreach (var pending in alerting)
        {
            var decision = decisions[pending.Index];
            Count(decision.Outcome);
            if (decision.Alert is { } alert)
            {
                IncidentsTelemetry.Messages.Add(1, new KeyValuePair<string, object?>("outagealerts.msg_type", alert.MsgType.ToString()));
            }
        }

        return decisions;
    }

    public async Task<IReadOnlyList<ReleasedAlert>> ReleaseDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var retryAt = now + options.Value.ReleaseRetryAfter;
        var (retried, released) = await store.InTransactionAsync(session => ReleaseDueAsync(session, now, retryAt), cancellationToken);
        foreach (var again in retried)
        {
            LogReleasedAgain(again.Alert.AlertId, again.Alert.Version, again.Alert.MsgType);
        }

        foreach (var message in released)
        {
            IncidentsTelemetry.Messages.Add(1, new KeyValuePair<string, object?>("outagealerts.msg_type", message.Alert.MsgType.ToString()));
            LogReleased(message.Alert.AlertId, message.Alert.Version, message.Alert.MsgType);
        }

        return [.. retried, .. released];
    }

    public Task ConfirmReleasedAsync(string alertId, int version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(alertId);
        return store.ConfirmReleasedAsync(alertId, version, cancellationToken);
    }

    public async Task<CancelResult> CancelAsync(string alertId, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(alertId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var now = timeProvider.GetUtcNow();
        var result = await store.InTransactionAsync(session => CancelAsync(session, alertId, reason, now), cancellationToken);
        LogCancelled(alertId, reason, result.Outcome, result.Alert?.Version);
        if (result.Outcome == CancelOutcome.Cancelled)
        {
            IncidentsTelemetry.Messages.Add(1, new KeyValuePair<string, object?>("outagealerts.msg_type", nameof(MsgType.Cancel)));
        }

        return result;
    }

    /// <summary>
    /// The id of an incident started at <paramref name="startedAt"/> by the report <paramref name="itemKey"/>:
    /// <c>oa-</c>, the start in Unix milliseconds as 11 hexadecimal digits, then 8 of the report key's SHA-256.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Ids that grow with time: every table keyed by the alert id (incidents, versions, the delivery log, the archive,
    /// current alerts) takes a new incident's row at the end of its index, where the last commits already left the
    /// page, instead of on a leaf of its own somewhere in the middle. With ids that were only a hash (issue 10),
    /// each alert's rows dirtied about six random index pages, and the SQLite writer wrote 23 MB of WAL per 1,000
    /// alerts in the load harness; with these, 15 MB.
    /// </para>
    /// <para>
    /// Stable per incident because it is stored with the incident: a report seen again (a poll after a crash) finds
    /// its incident, whose id it reuses, and never comes here. Two incidents share an id only if they start in the
    /// same millisecond from keys whose hashes share 32 bits; the second's insert then fails on the primary key, and
    /// its retry starts it at a later millisecond.
    /// </para>
    /// </remarks>
    internal static string AlertIdFor(string itemKey, DateTimeOffset startedAt)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(itemKey), hash);
        // Clamped into the 11 digits (years 1970 to 2527), so that the ids keep one length and sort as text.
        var milliseconds = Math.Clamp(startedAt.ToUnixTimeMilliseconds(), 0, AlertIdMaxMilliseconds);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"oa-{milliseconds:x11}{Convert.ToHexStringLower(hash[..AlertIdHashBytes])}");
    }

    private const long AlertIdMaxMilliseconds = (1L << 44) - 1;

    private const int AlertIdHashBytes = 4;

    private async Task<IncidentDecision> CorrelateAsync(IncidentSession session, Pending pending, DateTimeOffset now, IncidentOptions o, HoldTrace trace)
    {
        var facts = pending.Facts;
        // The same item again: answer as the first time, so the caller publishes (again) exactly what it would have.
        if (await session.FindReportAsync(facts.ItemKey) is { } known)
        {
            if (known.Version is { } version && await session.GetVersionAsync(known.IncidentId, version) is { } published)
            {
                return new IncidentDecision(published.MsgType == MsgType.Alert ? IncidentOutcome.New : IncidentOutcome.Updated, known.IncidentId, published);
            }

            return new IncidentDecision(IncidentOutcome.Duplicate, known.IncidentId, null);
        }

        var (openSince, from, to) = (now - o.QuietPeriod, facts.Published - o.CorrelationWindow, facts.Published + o.CorrelationWindow);
        var candidates = await session.FindCandidatesAsync(openSince, from, to, o.MaxIncidentSpan);
        var match = BestMatch(facts, candidates, o);
        if (match is null || await session.GetIncidentAsync(match.Id) is not { } incident)
        {
            return await StartIncidentAsync(session, pending, now, trace);
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            var explained = IncidentMatcher.Score(facts, match.Reports, NameFrequency(facts, candidates), o);
            LogMatched(facts.ItemKey, incident.Id, explained);
        }

        // The candidates' reports may be the cache's copies for matching; the alert is made of the whole facts.
        var reports = await session.LoadReportsAsync([incident.Id]);
        return await JoinIncidentAsync(session, incident, [.. reports.GetValueOrDefault(incident.Id) ?? [], facts], pending, now, o, trace);
    }

    private static IncidentCandidate? BestMatch(ReportFacts facts, IReadOnlyList<IncidentCandidate> candidates, IncidentOptions o)
    {
        if (candidates.Count == 0)
        {
            return null;
        }

        var nameFrequency = NameFrequency(facts, candidates);
        (IncidentCandidate Incident, double Score)? best = null;
        foreach (var candidate in candidates)
        {
            if (candidate.Reports.Count == 0 ||
                IncidentMatcher.Points(facts, candidate.Reports, nameFrequency, o) is not { } score ||
                score < o.MatchThreshold)
            {
                continue;
            }

            // Ties go to the incident reported on last, then to the smaller id: the same answer whatever order the
            // store returned the candidates in.
            if (best is not { } b || score > b.Score ||
                (score == b.Score && (candidate.LastPublished > b.Incident.LastPublished ||
                    (candidate.LastPublished == b.Incident.LastPublished && string.CompareOrdinal(candidate.Id, b.Incident.Id) < 0))))
            {
                best = (candidate, score);
            }
        }

        return best?.Incident;
    }

    /// <summary>
    /// For each name the report mentions, how many candidate incidents mention it too ("Kyiv" on an attack night says
    /// little about which incident this is). Only the report's own names are ever looked up, so only they are counted:
    /// counting every name of every candidate took a set per incident (issue 10).
    /// </summary>
    private static Dictionary<string, int> NameFrequency(ReportFacts facts, IReadOnlyList<IncidentCandidate> candidates)
    {
        var index = new Dictionary<string, int>(facts.NameKeys.Count, StringComparer.Ordinal);
        foreach (var key in facts.NameKeys)
        {
            index.TryAdd(key, index.Count);
        }

        var counts = new int[index.Count];
        // Which candidate last counted each name, so an incident that mentions a name in several reports counts once.
        var countedBy = new int[index.Count];
        var stamp = 0;
        foreach (var candidate in candidates)
        {
            stamp++;
            foreach (var report in candidate.Reports)
            {
                foreach (var key in report.NameKeys)
                {
                    if (index.TryGetValue(key, out var i) && countedBy[i] != stamp)
                    {
                        countedBy[i] = stamp;
                        counts[i]++;
                    }
                }
            }
        }

        var frequency = new Dictionary<string, int>(index.Count, StringComparer.Ordinal);
        foreach (var (key, i) in index)
        {
            if (counts[i] > 0)
            {
                frequency[key] = counts[i];
            }
        }

        return frequency;
    }

    /// <summary>
    /// What a report does if it starts an incident of its own: a function of the report and the time alone, so it is
    /// worked out (and its alert serialised) before the transaction; the transaction only decides whether it applies.
    /// </summary>
    private static StartPlan PlanStart(ReportFacts facts, DateTimeOffset now, IncidentOptions o)
    {
        var id = AlertIdFor(facts.ItemKey, now);
        var snapshot = IncidentSnapshot.Build([facts]);
        var step = IncidentLifecycle.OnReport(IncidentStatus.Held, null, null, snapshot, now, o);
        var alert = step.Kind == StepKind.Raise ? snapshot.ToAlert(id, 1, MsgType.Alert, now, [], []) : null;
        return new StartPlan(id, snapshot.Severity, step.DueAt, alert, alert is null ? null : JsonSerializer.SerializeToUtf8Bytes(alert, IncidentStore.Json));
    }

    private async Task<IncidentDecision> StartIncidentAsync(IncidentSession session, Pending pending, DateTimeOffset now, HoldTrace trace)
    {
        var (facts, plan) = (pending.Facts, pending.Start);
        var (id, alert) = (plan.Id, plan.Alert);
        var raise = alert is not null;
        await session.InsertIncidentAsync(new IncidentRecord
        {
            Id = id,
            Status = raise ? IncidentStatus.Open : IncidentStatus.Held,
            Country = facts.Country,
            FirstPublished = facts.Published,
            LastPublished = facts.Published,
            LastActivity = now,
            Version = raise ? 1 : 0,
            LastSent = raise ? now : null,
            DueAt = plan.DueAt,
            CreatedAt = now,
            HoldTraceParent = raise ? null : trace.Parent,
            HoldTraceState = raise ? null : trace.State,
        });
        if (alert is not null)
        {
            await session.InsertVersionAsync(alert, plan.AlertJson!);
        }

        var outcome = raise ? IncidentOutcome.New : IncidentOutcome.Held;
        await session.InsertReportAsync(id, facts, pending.FactsJson, outcome, alert?.Version, now);
        LogStarted(id, plan.Severity, outcome);
        return new IncidentDecision(outcome, id, alert);
    }

    private static async Task<IncidentDecision> JoinIncidentAsync(
        IncidentSession session,
        IncidentRecord incident,
        IReadOnlyList<ReportFacts> all,
        Pending pending,
        DateTimeOffset now,
        IncidentOptions o,
        HoldTrace trace)
    {
        var facts = pending.Facts;
        var snapshot = IncidentSnapshot.Build(all);
        var lastPublished = incident.Version > 0 ? await session.GetVersionAsync(incident.Id, incident.Version) : null;
        var step = IncidentLifecycle.OnReport(incident.Status, lastPublished, incident.DueAt, snapshot, now, o);
        var updated = incident with
        {
            FirstPublished = facts.Published < incident.FirstPublished ? facts.Published : incident.FirstPublished,
            LastPublished = facts.Published > incident.LastPublished ? facts.Published : incident.LastPublished,
            LastActivity = now,
        };

        Alert? alert = null;
        IncidentOutcome outcome;
        switch (step.Kind)
        {
            case StepKind.Raise:
                alert = snapshot.ToAlert(incident.Id, 1, MsgType.Alert, now, [], []);
                updated = updated with { Status = IncidentStatus.Open, Version = 1, LastSent = now, DueAt = null, HoldTraceParent = null, HoldTraceState = null };
                outcome = IncidentOutcome.New;
                break;
            case StepKind.Update:
                alert = snapshot.ToAlert(incident.Id, incident.Version + 1, MsgType.Update, now, step.Changes, AlertChanges.References(lastPublished!));
                updated = updated with { Version = alert.Version, LastSent = now, DueAt = null, HoldTraceParent = null, HoldTraceState = null };
                outcome = IncidentOutcome.Updated;
                break;
            case StepKind.Hold:
                // The report that started the hold keeps it; later reports join the message it will publish.
                updated = incident.DueAt is null
                    ? updated with { DueAt = step.DueAt, HoldTraceParent = trace.Parent, HoldTraceState = trace.State }
                    : updated with { DueAt = step.DueAt };
                outcome = IncidentOutcome.Held;
                break;
            default:
                outcome = IncidentOutcome.Duplicate;
                break;
        }

        await session.UpdateIncidentAsync(updated);
        if (alert is not null)
        {
            await session.InsertVersionAsync(alert);
        }

        await session.InsertReportAsync(incident.Id, facts, pending.FactsJson, outcome, alert?.Version, now);
        return new IncidentDecision(outcome, incident.Id, alert);
    }

    /// <summary>
    /// Leases the released messages that were never confirmed (retried, same id and version), then turns the holds
    /// that fell due into versions that stay pending until ingestion confirms them.
    /// </summary>
    private static async Task<(IReadOnlyList<ReleasedAlert> Retried, IReadOnlyList<ReleasedAlert> Released)> ReleaseDueAsync(
        IncidentSession session, DateTimeOffset now, DateTimeOffset retryAt)
    {
        var retried = await session.LeaseUnconfirmedAsync(now, retryAt);
        var due = await session.FindDueAsync(now);
        if (due.Count == 0)
        {
            return (retried, []);
        }

        var reports = await session.LoadReportsAsync([.. due.Select(d => d.Id)]);
        var released = new List<ReleasedAlert>();
        foreach (var incident in due)
        {
            var snapshot = IncidentSnapshot.Build(reports[incident.Id]);
            var lastPublished = incident.Version > 0 ? await session.GetVersionAsync(incident.Id, incident.Version) : null;
            var step = IncidentLifecycle.OnDue(incident.Status, lastPublished, snapshot);
            var alert = step.Kind switch
            {
                StepKind.Raise => snapshot.ToAlert(incident.Id, 1, MsgType.Alert, now, [], []),
                StepKind.Update => snapshot.ToAlert(incident.Id, incident.Version + 1, MsgType.Update, now, step.Changes, AlertChanges.References(lastPublished!)),
                _ => null,
            };
            var updated = incident with { DueAt = null, HoldTraceParent = null, HoldTraceState = null };
            if (alert is not null)
            {
                updated = updated with { Status = IncidentStatus.Open, Version = alert.Version, LastSent = now };
                await session.InsertVersionAsync(alert, retryAt, incident.HoldTraceParent, incident.HoldTraceState);
                released.Add(new ReleasedAlert(alert, incident.HoldTraceParent, incident.HoldTraceState));
            }

            await session.UpdateIncidentAsync(updated);
        }

        return (retried, released);
    }

    private static async Task<CancelResult> CancelAsync(IncidentSession session, string alertId, string reason, DateTimeOffset now)
    {
        var incident = await session.GetIncidentAsync(alertId);
        if (incident is null)
        {
            return new CancelResult(CancelOutcome.Unknown, null);
        }

        var lastPublished = incident.Version > 0 ? await session.GetVersionAsync(incident.Id, incident.Version) : null;
        if (incident.Status == IncidentStatus.Cancelled)
        {
            return new CancelResult(CancelOutcome.AlreadyCancelled, lastPublished?.MsgType == MsgType.Cancel ? lastPublished : null);
        }

        var cancelled = incident with { Status = IncidentStatus.Cancelled, DueAt = null, CancelReason = reason, HoldTraceParent = null, HoldTraceState = null };
        if (lastPublished is null)
        {
            await session.UpdateIncidentAsync(cancelled);
            return new CancelResult(CancelOutcome.CancelledBeforeAnnounced, null);
        }

        var cancel = lastPublished with
        {
            Version = lastPublished.Version + 1,
            MsgType = MsgType.Cancel,
            Sent = now,
            Changes = ["cancelled: " + reason],
            References = AlertChanges.References(lastPublished),
        };
        await session.UpdateIncidentAsync(cancelled with { Version = cancel.Version, LastSent = now });
        await session.InsertVersionAsync(cancel);
        return new CancelResult(CancelOutcome.Cancelled, cancel);
    }

    private static string? TraceParent(ActivityContext context) =>
        context == default ? null : $"00-{context.TraceId}-{context.SpanId}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";

    /// <summary>The W3C trace context of the report being correlated.</summary>
    private readonly record struct HoldTrace(string? Parent, string? State);

    /// <summary>
    /// An alerting report of a batch: its place in the batch, its facts (and their JSON), what it does if it starts an
    /// incident, and the span it belongs under.
    /// </summary>
    private sealed record Pending(int Index, ReportFacts Facts, byte[] FactsJson, StartPlan Start, ActivityContext Parent);

    /// <summary>A new incident's id, severity and hold (or its first alert, serialised), as <see cref="PlanStart"/> made them.</summary>
    private sealed record StartPlan(string Id, Severity Severity, DateTimeOffset? DueAt, Alert? Alert, byte[]? AlertJson);

    private static void Count(IncidentOutcome outcome) =>
        IncidentsTelemetry.Decisions.Add(1, new KeyValuePair<string, object?>("outagealerts.incident.decision", outcome.ToString()));

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {IncidentId} started ({Severity}): {Outcome}")]
    private partial void LogStarted(string incidentId, Severity severity, IncidentOutcome outcome);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Report {ItemKey} joins incident {IncidentId} ({Match})")]
    private partial void LogMatched(string itemKey, string incidentId, MatchScore match);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released held message {AlertId} v{Version} ({MsgType})")]
    private partial void LogReleased(string alertId, int version, MsgType msgType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Released message {AlertId} v{Version} ({MsgType}) again: its publication was never confirmed")]
    private partial void LogReleasedAgain(string alertId, int version, MsgType msgType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operator cancel of alert {AlertId} ({Reason}): {Outcome}, cancel version {Version}")]
    private partial void LogCancelled(string alertId, string reason, CancelOutcome outcome, int? version);
}
