using OutageAlerts.Classification.Figures;
using OutageAlerts.Classification.Lexicon;
using OutageAlerts.Classification.Targets;
using OutageAlerts.Contracts;

namespace OutageAlerts.Classification.Detection;

/// <summary>
/// Decides alert or not. A report is an alert when a kinetic attack word stands in a sentence (not voided by
/// talks, bans or threats) with a hit civilian site, casualties or an outage. Each hard-negative class found in
/// the report (weather, retrospective, diplomacy, military-only, intercepted…) must then be outweighed by a
/// concrete strike sentence that is free of that class's cues, or the report is not an alert.
/// </summary>
internal static class StrikeDetector
{
    public const string Cyber = "cyber";
    public const string Sports = "sports";
    public const string Retrospective = "retrospective";
    public const string Statistics = "statistics";
    public const string Diplomacy = "diplomacy";
    public const string Military = "military";
    public const string Intercepted = "intercepted";
    public const string NoDamage = "noDamage";
    public const string NoImpact = "noImpact";
    public const string NoAttack = "noAttack";

    /// <summary>Classes outweighed only by a concrete strike sentence free of their cues.</summary>
    private static readonly string[] SentenceClasses = ["forecast", "maintenance", "restoration", "tariff", "weather", "accident", "labour"];

    /// <summary>Classes reported when there is no attack at all, most telling first.</summary>
    private static readonly string[] NoAttackClasses =
        ["weather", "accident", "maintenance", "forecast", "tariff", "labour", Retrospective, Statistics, Diplomacy, "restoration", Military];

    private const int MinSportsCues = 2;

    public static StrikeDecision Decide(Evidence evidence, CasualtyFigures casualties, OutageFigures outage, IReadOnlyList<TargetHit> targets, bool namesPlace)
    {
        var reasons = new List<string>();
        var negatives = evidence.Of(TermKind.Negative);
        var attack = evidence.Of(TermKind.Attack)
            .Where(a => a.Payload.Value != "explosion" && !evidence.IsVoided(a))
            .ToList();
        var counted = casualties.Killed > 0 || casualties.Injured > 0;

        StrikeDecision No(string cls, string reason, Urgency urgency = Urgency.Unknown)
        {
            reasons.Add($"not an alert: {reason}");
            return new StrikeDecision(false, cls, urgency, Certainty.Unknown, reasons);
        }

        string Cue(string cls)
        {
            var m = evidence.First(TermKind.Negative, cls);
            return m is null ? cls : $"{cls} (\"{evidence.Quote(m.Value)}\")";
        }

        if (evidence.Any(TermKind.Negative, Cyber))
        {
            return No(Cyber, $"{Cue(Cyber)}: cyberattacks are out of scope");
        }

        var implicitStrike = false;
        if (attack.Count == 0)
        {
            // "Death toll rises to 26 … under the rubble": the blast is implied by its aftermath.
            implicitStrike = evidence.Any(TermKind.Aftermath) && counted && targets.Count > 0
                && !evidence.Any(TermKind.Negative, "weather") && !evidence.Any(TermKind.Negative, "accident");
            if (!implicitStrike)
            {
                var cls = NoAttackClasses.FirstOrDefault(c => evidence.Any(TermKind.Negative, c));
                return cls is null
                    ? No(NoAttack, "no kinetic attack reported")
                    : No(cls, $"{Cue(cls)} with no kinetic attack", UrgencyFor(cls));
            }

            reasons.Add("strike implied by aftermath and casualty toll");
        }
        else
        {
            reasons.Add($"attack: \"{evidence.Quote(attack[0])}\"");
        }

        if (evidence.Of(TermKind.Sports).Length >= MinSportsCues && !counted)
        {
            return No(Sports, "sports report");
        }

        if (evidence.Any(TermKind.Negative, Retrospective)
            && !(evidence.Any(TermKind.Fresh) && HasConcrete(evidence, targets, outage, Retrospective, requireAttack: true)))
        {
            return No(Retrospective, $"{Cue(Retrospective)}: retrospective, anniversary or history", Urgency.Past);
        }

        if (evidence.Any(TermKind.Negative, Statistics) && !HasConcrete(evidence, targets, outage, Statistics, requireAttack: false))
        {
            return No(Statistics, $"{Cue(Statistics)}: aggregate statistics", Urgency.Past);
        }

        if (evidence.Any(TermKind.Negative, Diplomacy) && !HasConcrete(evidence, targets, outage, Diplomacy, requireAttack: false, clauseLevel: true))
        {
            return No(Diplomacy, $"{Cue(Diplomacy)}: strikes mentioned only in talks or diplomacy");
        }

        foreach (var cls in SentenceClasses)
        {
            if (evidence.Any(TermKind.Negative, cls) && !HasConcrete(evidence, targets, outage, cls, requireAttack: true, clauseLevel: true))
            {
                return No(cls, $"{Cue(cls)} with no new strike reported", UrgencyFor(cls));
            }
        }

        if (evidence.Any(TermKind.NoDamage) && !counted)
        {
            return No(NoDamage, "attack reported without damage or casualties");
        }

        var impact = targets.Count > 0 || casualties.AnyCasualties || outage.Present;
        if (evidence.Any(TermKind.Negative, Intercepted) && !(targets.Count > 0 || counted || outage.Present))
        {
            return No(Intercepted, $"{Cue(Intercepted)}: attack repelled with no damage");
        }

        if (evidence.Any(TermKind.Negative, Military) && targets.Count == 0 && !outage.Present)
        {
            return No(Military, $"{Cue(Military)}: military targets only");
        }

        if (!impact)
        {
            return No(NoImpact, "no civilian site, casualties or outage reported");
        }

        // "citing the recent wave of attacks on energy infrastructure": a strike needs damage, casualties,
        // an outage, a time or a place before it is an incident.
        var specific = evidence.Any(TermKind.Hit) || casualties.AnyCasualties || outage.Present || evidence.Any(TermKind.Fresh) || namesPlace;
        if (!specific)
        {
            return No(NoImpact, "strikes mentioned in general terms, with no damage, time or place");
        }

        var certainty = implicitStrike ? Certainty.Likely : Certainty.Observed;
        foreach (var claim in evidence.Of(TermKind.Claim))
        {
            var level = claim.Payload.Value == "Possible" ? Certainty.Possible : Certainty.Likely;
            if (level < certainty)
            {
                certainty = level;
                reasons.Add($"certainty {level}: \"{evidence.Quote(claim)}\"");
            }
        }

        return new StrikeDecision(true, null, Urgency.Immediate, certainty, reasons);
    }

    private static Urgency UrgencyFor(string cls) => cls switch
    {
        Retrospective or Statistics => Urgency.Past,
        "forecast" or "maintenance" => Urgency.Future,
        _ => Urgency.Unknown,
    };

    /// <summary>
    /// A sentence that reports a strike concretely — attack (or damage in a report about an attack) with a hit
    /// site, casualties or an outage — and carries no cue of <paramref name="negativeClass"/>. With
    /// <paramref name="clauseLevel"/> the cue only has to stay out of the clauses that carry that evidence:
    /// "Shelling damaged a line, leaving four villages dark as heavy snow slowed repairs" is a strike.
    /// </summary>
    private static bool HasConcrete(Evidence evidence, IReadOnlyList<TargetHit> targets, OutageFigures outage, string negativeClass, bool requireAttack, bool clauseLevel = false)
    {
        var text = evidence.Text;
        for (var s = 0; s < text.SentenceCount; s++)
        {
            if (!clauseLevel && evidence.InSentence(TermKind.Negative, negativeClass, s))
            {
                continue;
            }

            bool Usable(int token)
            {
                var clause = evidence.ClauseOf(token);
                return !evidence.IsClauseVoided(clause) && !(clauseLevel && evidence.InClause(TermKind.Negative, negativeClass, clause));
            }

            bool Present(TermKind kind) => evidence.Of(kind).Any(m => evidence.SentenceOf(m) == s && Usable(m.Start));

            // Beside a cue, a strike clause must say what it did ("shelling damaged a line"), not only name a
            // target ("despite strikes on generation in spring").
            bool Effect(int clause) => evidence.InClause(TermKind.Hit, clause) || evidence.InClause(TermKind.Killed, clause)
                || evidence.InClause(TermKind.Injured, clause) || evidence.InClause(TermKind.Outage, clause);

            var attackHere = evidence.Of(TermKind.Attack).Any(a => evidence.SentenceOf(a) == s && a.Payload.Value != "explosion" && Usable(a.Start)
                && (!clauseLevel || Effect(evidence.ClauseOf(a))));
            var damageHere = Present(TermKind.Hit);
            if (!attackHere && (requireAttack || !damageHere))
            {
                continue;
            }

            var siteHere = targets.Any(t => t.Sentence == s && Usable(t.Token));
            var casualtyHere = Present(TermKind.Killed) || Present(TermKind.Injured) || Present(TermKind.Casualties);
            var outageHere = outage.Present && Present(TermKind.Outage);
            if (siteHere || casualtyHere || outageHere)
            {
                return true;
            }
        }

        return false;
    }
}
