using OutageAlerts.Contracts;

namespace OutageAlerts.Incidents.Correlation;

internal enum IncidentStatus
{
    /// <summary>Gathering corroboration before its first message.</summary>
    Held,

    /// <summary>Announced; updates follow material changes.</summary>
    Open,

    /// <summary>Withdrawn by an operator: further reports are kept as sources without messages.</summary>
    Cancelled,
}

internal enum StepKind
{
    /// <summary>Nothing to publish now (a duplicate, or a message that stays due as it was).</summary>
    None,

    /// <summary>Publish the first message (version 1, msgType Alert).</summary>
    Raise,

    /// <summary>Publish an update (version + 1, msgType Update).</summary>
    Update,

    /// <summary>Hold a message until <see cref="LifecycleStep.DueAt"/>.</summary>
    Hold,
}

internal sealed record LifecycleStep(StepKind Kind, IReadOnlyList<string> Changes, DateTimeOffset? DueAt)
{
    public static readonly LifecycleStep Nothing = new(StepKind.None, [], null);
}

/// <summary>
/// Storm control: when an incident's message goes out. The first message of an incident below the immediate
/// severity waits a short hold for corroboration; updates need a material change and respect a minimum interval
/// unless severity rises; a cancelled incident never speaks again.
/// </summary>
internal static class IncidentLifecycle
{
    /// <summary>What to do after a report joined (or started) an incident.</summary>
    /// <param name="lastPublished">The incident's last published version, null before its first message.</param>
    /// <param name="dueAt">When a held or deferred message is due, if one is.</param>
    public static LifecycleStep OnReport(
        IncidentStatus status,
        Alert? lastPublished,
        DateTimeOffset? dueAt,
        IncidentSnapshot current,
        DateTimeOffset now,
        IncidentOptions options)
    {
        if (status == IncidentStatus.Cancelled)
        {
            return LifecycleStep.Nothing;
        }

        if (lastPublished is null)
        {
            if (current.Severity >= options.ImmediateSeverity || options.FirstMessageHold <= TimeSpan.Zero)
            {
                return new LifecycleStep(StepKind.Raise, [], null);
            }

            // The hold starts with the first report and is not extended by later ones: at most one hold per incident.
            return new LifecycleStep(StepKind.Hold, [], dueAt ?? now + options.FirstMessageHold);
        }

        var changes = AlertChanges.Between(lastPublished, current);
        if (changes.Count == 0)
        {
            return dueAt is null ? LifecycleStep.Nothing : new LifecycleStep(StepKind.Hold, [], dueAt);
        }

        var earliest = lastPublished.Sent + options.MinUpdateInterval;
        if (current.Severity > lastPublished.Severity || now >= earliest)
        {
            return new LifecycleStep(StepKind.Update, changes, null);
        }

        return new LifecycleStep(StepKind.Hold, changes, dueAt ?? earliest);
    }

    /// <summary>What to publish when a held or deferred message falls due.</summary>
    public static LifecycleStep OnDue(IncidentStatus status, Alert? lastPublished, IncidentSnapshot current)
    {
        if (status == IncidentStatus.Cancelled)
        {
            return LifecycleStep.Nothing;
        }

        if (lastPublished is null)
        {
            return new LifecycleStep(StepKind.Raise, [], null);
        }

        // Reports since the deferral may have taken the change back (a toll revised to the published figure).
        var changes = AlertChanges.Between(lastPublished, current);
        return changes.Count == 0 ? LifecycleStep.Nothing : new LifecycleStep(StepKind.Update, changes, null);
    }
}
