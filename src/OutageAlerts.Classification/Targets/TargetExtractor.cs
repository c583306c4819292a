using OutageAlerts.Classification.Detection;
using OutageAlerts.Classification.Lexicon;

namespace OutageAlerts.Classification.Targets;

/// <summary>A site category that the report says was hit, with the words that show it.</summary>
internal readonly record struct TargetHit(string Category, string Quote, int Sentence, int Token);

/// <summary>
/// Keeps a site only when a strike, damage, casualty or (for utilities) outage word stands near it in the same
/// sentence and the sentence is not voided (bans, talks): "schools switched to remote learning", "taken to
/// hospital" or "a hospital without heating" name sites that were not hit.
/// </summary>
internal static class TargetExtractor
{
    public const int Window = 10;

    private static readonly TermKind[] ImpactKinds =
        [TermKind.Attack, TermKind.Hit, TermKind.Killed, TermKind.Injured, TermKind.Casualties, TermKind.Outage, TermKind.Aftermath];

    public static List<TargetHit> Extract(Evidence evidence)
    {
        var targets = evidence.Of(TermKind.Target);
        var qualified = new bool[targets.Length];
        var consumer = new bool[targets.Length];
        for (var i = 0; i < targets.Length; i++)
        {
            var t = targets[i];
            if (evidence.IsVoided(t) || IsOutageCount(evidence, t))
            {
                continue;
            }

            // "47 blocks and a hospital without heating", "hospital on generators": a site that is only nearest
            // to an outage word was cut off, not hit. Only utilities are named for what they lost.
            var utility = t.Payload.Values.Any(v => TargetVocabulary.Utilities.Contains(v) || v == TargetVocabulary.Telecom);
            var outageDistance = evidence.DistanceTo(t, TermKind.Outage);
            var nearestOther = int.MaxValue;
            foreach (var kind in ImpactKinds)
            {
                if (kind != TermKind.Outage)
                {
                    nearestOther = Math.Min(nearestOther, evidence.DistanceTo(t, kind));
                }
            }

            if (!utility && outageDistance < nearestOther)
            {
                consumer[i] = true;
                continue;
            }

            qualified[i] = Math.Min(nearestOther, utility ? outageDistance : int.MaxValue) <= Window;
        }

        // "A mosque, a school and a kindergarten were damaged": a list shares the fate of its nearest member.
        bool changed;
        do
        {
            changed = false;
            for (var i = 0; i < targets.Length; i++)
            {
                if (qualified[i] || consumer[i] || evidence.IsVoided(targets[i]))
                {
                    continue;
                }

                for (var j = 0; j < targets.Length; j++)
                {
                    if (qualified[j] && InSameList(evidence, targets[i], targets[j]))
                    {
                        qualified[i] = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
        while (changed);

        var hits = new List<TargetHit>();
        for (var i = 0; i < targets.Length; i++)
        {
            if (!qualified[i])
            {
                continue;
            }

            foreach (var category in targets[i].Payload.Values)
            {
                hits.Add(new TargetHit(category, evidence.Quote(targets[i]), evidence.SentenceOf(targets[i]), targets[i].Start));
            }
        }

        return hits;
    }

    private static readonly HashSet<string> ListGlue = new(StringComparer.Ordinal)
    {
        ",", "and", "or", "several", "some", "two", "three", "multiple", "кілька", "кількох", "декілька", "несколько", "нескольких", "a", "an", "the", "as", "well", "also", "its", "і", "й", "та", "а", "також", "и", "а также", "ще",
    };

    /// <summary>"120 apartment blocks without heating": buildings counted in an outage are customers, not targets.</summary>
    private static bool IsOutageCount(Evidence evidence, TermMatch<TermDefinition> target)
    {
        var sentence = evidence.SentenceOf(target);
        if (!evidence.InSentence(TermKind.Outage, sentence))
        {
            return false;
        }

        foreach (var unit in evidence.Of(TermKind.OutageUnit))
        {
            if (unit.Start < target.End && target.Start < unit.End && unit.Start > 0
                && evidence.Text.Tokens[unit.Start - 1].Kind == Text.TokenKind.Number)
            {
                return true;
            }
        }

        return false;
    }

    private static bool InSameList(Evidence evidence, TermMatch<TermDefinition> a, TermMatch<TermDefinition> b)
    {
        if (evidence.SentenceOf(a) != evidence.SentenceOf(b))
        {
            return false;
        }

        var (from, to) = a.End <= b.Start ? (a.End, b.Start) : b.End <= a.Start ? (b.End, a.Start) : (0, 0);
        if (to - from > 4)
        {
            return false;
        }

        for (var k = from; k < to; k++)
        {
            if (!ListGlue.Contains(evidence.Text.StringOf(k)))
            {
                return false;
            }
        }

        return true;
    }

    public static List<string> Categories(IEnumerable<TargetHit> hits, IEnumerable<string> outageServices) =>
        hits.Select(h => h.Category).Concat(outageServices).Distinct(StringComparer.Ordinal)
            .OrderBy(TargetVocabulary.Order).ToList();
}
