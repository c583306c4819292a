using OutageAlerts.Classification.Lexicon;
using OutageAlerts.Classification.Text;

namespace OutageAlerts.Classification.Detection;

/// <summary>
/// The lexicon terms found in one report after masking (figurative uses, non-target contexts, "no casualties"),
/// indexed by kind and sentence so that later stages ask cheap questions.
/// </summary>
internal sealed class Evidence
{
    private static readonly int KindCount = Enum.GetValues<TermKind>().Length;
    private readonly List<TermMatch<TermDefinition>>[] _byKind;
    private readonly bool[] _voided;

    public Evidence(AnalyzedText text, List<TermMatch<TermDefinition>> matches, IReadOnlyList<(int Start, int End)> targetMasks)
    {
        Text = text;
        _byKind = new List<TermMatch<TermDefinition>>[KindCount];
        for (var k = 0; k < KindCount; k++)
        {
            _byKind[k] = [];
        }

        var masks = new List<TermMatch<TermDefinition>>();
        foreach (var m in matches)
        {
            if (m.Payload.Kind is TermKind.Figurative or TermKind.NonTarget or TermKind.NoCasualties or TermKind.MilitaryNeutral
                or TermKind.Outage or TermKind.NoDamage)
            {
                masks.Add(m);
            }
        }

        foreach (var m in matches)
        {
            if (!IsMasked(m, masks, targetMasks))
            {
                _byKind[(int)m.Payload.Kind].Add(m);
            }
        }

        DropContainedTargets(_byKind[(int)TermKind.Target]);
        DropLocativeTargets(_byKind[(int)TermKind.Target], _byKind[(int)TermKind.Locative]);

        _voided = new bool[text.SentenceCount];
        foreach (var m in _byKind[(int)TermKind.SentenceNegation])
        {
            _voided[text.Tokens[m.Start].Sentence] = true;
        }
    }

    public AnalyzedText Text { get; }

    public IReadOnlyList<TermMatch<TermDefinition>> Of(TermKind kind) => _byKind[(int)kind];

    public bool Any(TermKind kind) => _byKind[(int)kind].Count > 0;

    public bool Any(TermKind kind, string value)
    {
        foreach (var m in _byKind[(int)kind])
        {
            if (m.Payload.Values.Contains(value))
            {
                return true;
            }
        }

        return false;
    }

    public TermMatch<TermDefinition>? First(TermKind kind, string value)
    {
        foreach (var m in _byKind[(int)kind])
        {
            if (m.Payload.Values.Contains(value))
            {
                return m;
            }
        }

        return null;
    }

    public int SentenceOf(TermMatch<TermDefinition> m) => Text.Tokens[m.Start].Sentence;

    /// <summary>A sentence whose strike words are void: a ban, talks, a threat or a plan.</summary>
    public bool IsVoided(int sentence) => _voided[sentence];

    public bool InSentence(TermKind kind, int sentence)
    {
        foreach (var m in _byKind[(int)kind])
        {
            if (Text.Tokens[m.Start].Sentence == sentence)
            {
                return true;
            }
        }

        return false;
    }

    public bool InSentence(TermKind kind, string value, int sentence)
    {
        foreach (var m in _byKind[(int)kind])
        {
            if (Text.Tokens[m.Start].Sentence == sentence && m.Payload.Values.Contains(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Token distance from <paramref name="m"/> to the nearest term of <paramref name="kind"/> in its sentence.</summary>
    public int DistanceTo(TermMatch<TermDefinition> m, TermKind kind)
    {
        var sentence = SentenceOf(m);
        var best = int.MaxValue;
        foreach (var o in _byKind[(int)kind])
        {
            if (Text.Tokens[o.Start].Sentence != sentence)
            {
                continue;
            }

            var d = o.End <= m.Start ? m.Start - o.End + 1 : o.Start >= m.End ? o.Start - m.End + 1 : 0;
            best = Math.Min(best, d);
        }

        return best;
    }

    public string Quote(TermMatch<TermDefinition> m) => Text.Quote(m.Start, m.End);

    private static bool IsMasked(TermMatch<TermDefinition> m, List<TermMatch<TermDefinition>> masks, IReadOnlyList<(int Start, int End)> targetMasks)
    {
        var kind = m.Payload.Kind;
        foreach (var mask in masks)
        {
            if (mask.Start >= m.End || m.Start >= mask.End || ReferenceEquals(mask.Payload, m.Payload))
            {
                continue;
            }

            var masked = mask.Payload.Kind switch
            {
                TermKind.Figurative => kind is TermKind.Attack or TermKind.Hit or TermKind.Target or TermKind.Killed,
                TermKind.NonTarget => kind is TermKind.Target,
                TermKind.NoCasualties => kind is TermKind.Killed or TermKind.Injured or TermKind.Casualties,
                TermKind.NoDamage => kind is TermKind.Hit or TermKind.Casualties or TermKind.Injured,
                TermKind.MilitaryNeutral => kind is TermKind.Negative && m.Payload.Value == "military",
                TermKind.Outage => kind is TermKind.Negative && m.Payload.Value == "weather",
                _ => false,
            };
            if (masked)
            {
                return true;
            }
        }

        if (kind == TermKind.Target)
        {
            foreach (var (start, end) in targetMasks)
            {
                if (start < m.End && m.Start < end)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void DropContainedTargets(List<TermMatch<TermDefinition>> targets)
    {
        var snapshot = targets.ToArray();
        targets.RemoveAll(t => Array.Exists(snapshot, o => !ReferenceEquals(o.Payload, t.Payload) && o.Length > t.Length
            && o.Start <= t.Start && o.End >= t.End));
    }

    private static void DropLocativeTargets(List<TermMatch<TermDefinition>> targets, List<TermMatch<TermDefinition>> locatives)
    {
        if (locatives.Count == 0)
        {
            return;
        }

        targets.RemoveAll(t => locatives.Exists(l => l.End <= t.Start && t.Start - l.End <= 2));
    }
}
