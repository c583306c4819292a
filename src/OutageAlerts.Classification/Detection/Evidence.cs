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
    private const int MaxStackMatches = 512;
    private readonly TermMatch<TermDefinition>[][] _byKind;
    private readonly bool[] _voided;
    private readonly int[] _clauseOf;

    public Evidence(AnalyzedText text, List<TermMatch<TermDefinition>> matches, IReadOnlyList<(int Start, int End)> targetMasks)
    {
        Text = text;
        List<TermMatch<TermDefinition>>? masks = null;
        foreach (var m in matches)
        {
            if (m.Payload.Kind is TermKind.Figurative or TermKind.NonTarget or TermKind.NoCasualties or TermKind.MilitaryNeutral
                or TermKind.Outage or TermKind.NoDamage)
            {
                (masks ??= []).Add(m);
            }
        }

        // One array per kind, sized exactly: callers iterate these many times per report, and arrays enumerate
        // without allocating.
        Span<int> counts = stackalloc int[KindCount];
        Span<bool> masked = matches.Count <= MaxStackMatches ? stackalloc bool[matches.Count] : new bool[matches.Count];
        for (var i = 0; i < matches.Count; i++)
        {
            var m = matches[i];
            if (IsMasked(m, masks, targetMasks))
            {
                masked[i] = true;
            }
            else
            {
                counts[(int)m.Payload.Kind]++;
            }
        }

        _byKind = new TermMatch<TermDefinition>[KindCount][];
        for (var k = 0; k < KindCount; k++)
        {
            _byKind[k] = counts[k] == 0 ? [] : new TermMatch<TermDefinition>[counts[k]];
            counts[k] = 0;
        }

        for (var i = 0; i < matches.Count; i++)
        {
            if (!masked[i])
            {
                var k = (int)matches[i].Payload.Kind;
                _byKind[k][counts[k]++] = matches[i];
            }
        }

        var target = (int)TermKind.Target;
        _byKind[target] = DropLocativeTargets(DropContainedTargets(_byKind[target]), _byKind[(int)TermKind.Locative]);

        // Negation reaches to the clause, not the sentence: "As talks resumed in Geneva, a missile killed six in
        // Kyiv" reports a strike; "Putin agreed to halt strikes on energy" does not.
        _clauseOf = new int[text.Tokens.Length];
        var clause = 0;
        for (var i = 0; i < text.Tokens.Length; i++)
        {
            if (i > 0 && (text.Tokens[i].Sentence != text.Tokens[i - 1].Sentence || IsClauseBreak(text, i - 1)))
            {
                clause++;
            }

            _clauseOf[i] = clause;
        }

        ClauseCount = text.Tokens.Length == 0 ? 0 : clause + 1;
        _voided = new bool[Math.Max(ClauseCount, 1)];
        foreach (var m in _byKind[(int)TermKind.SentenceNegation])
        {
            for (var t = m.Start; t < m.End; t++)
            {
                _voided[_clauseOf[t]] = true;
            }
        }
    }

    /// <summary>Clauses are split at commas, colons, dashes and brackets, and never cross sentences.</summary>
    public int ClauseCount { get; }

    public int ClauseOf(int token) => _clauseOf[token];

    public int ClauseOf(TermMatch<TermDefinition> m) => _clauseOf[m.Start];

    private static bool IsClauseBreak(AnalyzedText text, int token)
    {
        if (text.Tokens[token].Kind != TokenKind.Punct)
        {
            return false;
        }

        var c = text.Normalized[text.Tokens[token].Start];
        return c is ',' or ':' or '—' or '(' or ')';
    }

    public AnalyzedText Text { get; }

    public TermMatch<TermDefinition>[] Of(TermKind kind) => _byKind[(int)kind];

    public bool Any(TermKind kind) => _byKind[(int)kind].Length > 0;

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

    /// <summary>A term in a clause whose strike words are void: a ban, talks, a threat or a plan.</summary>
    public bool IsVoided(TermMatch<TermDefinition> m) => _voided[_clauseOf[m.Start]];

    public bool IsClauseVoided(int clause) => _voided[clause];

    public bool InClause(TermKind kind, int clause)
    {
        foreach (var m in _byKind[(int)kind])
        {
            if (_clauseOf[m.Start] == clause)
            {
                return true;
            }
        }

        return false;
    }

    public bool InClause(TermKind kind, string value, int clause)
    {
        foreach (var m in _byKind[(int)kind])
        {
            if (_clauseOf[m.Start] == clause && m.Payload.Values.Contains(value))
            {
                return true;
            }
        }

        return false;
    }

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

    private static bool IsMasked(TermMatch<TermDefinition> m, List<TermMatch<TermDefinition>>? masks, IReadOnlyList<(int Start, int End)> targetMasks)
    {
        var kind = m.Payload.Kind;
        foreach (var mask in masks ?? [])
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
            for (var i = 0; i < targetMasks.Count; i++)
            {
                var (start, end) = targetMasks[i];
                if (start < m.End && m.Start < end)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static TermMatch<TermDefinition>[] DropContainedTargets(TermMatch<TermDefinition>[] targets)
    {
        bool Contained(TermMatch<TermDefinition> t)
        {
            foreach (var o in targets)
            {
                if (!ReferenceEquals(o.Payload, t.Payload) && o.Length > t.Length && o.Start <= t.Start && o.End >= t.End)
                {
                    return true;
                }
            }

            return false;
        }

        return Without(targets, Contained);
    }

    private static TermMatch<TermDefinition>[] DropLocativeTargets(TermMatch<TermDefinition>[] targets, TermMatch<TermDefinition>[] locatives)
    {
        if (locatives.Length == 0)
        {
            return targets;
        }

        bool AfterLocative(TermMatch<TermDefinition> t)
        {
            foreach (var l in locatives)
            {
                if (l.End <= t.Start && t.Start - l.End <= 2)
                {
                    return true;
                }
            }

            return false;
        }

        return Without(targets, AfterLocative);
    }

    /// <summary>The items not matching <paramref name="drop"/>; the same array when nothing is dropped.</summary>
    private static TermMatch<TermDefinition>[] Without(TermMatch<TermDefinition>[] items, Func<TermMatch<TermDefinition>, bool> drop)
    {
        var dropCount = 0;
        foreach (var t in items)
        {
            if (drop(t))
            {
                dropCount++;
            }
        }

        if (dropCount == 0)
        {
            return items;
        }

        var kept = new TermMatch<TermDefinition>[items.Length - dropCount];
        var n = 0;
        foreach (var t in items)
        {
            if (!drop(t))
            {
                kept[n++] = t;
            }
        }

        return kept;
    }
}
