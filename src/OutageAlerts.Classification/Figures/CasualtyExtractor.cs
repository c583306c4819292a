using OutageAlerts.Classification.Detection;
using OutageAlerts.Classification.Lexicon;
using OutageAlerts.Classification.Text;

namespace OutageAlerts.Classification.Figures;

/// <summary>
/// Pairs casualty words with the numbers that count them. A number before the word ("14 injured",
/// "Eighteen people, nine of them children, were killed") or just after it ("killing at least fourteen",
/// "загинули троє") qualifies; subgroups ("three of them children", "серед них семеро дітей"), units
/// ("nine-storey", "400 drones"), dates and years do not. Pairs are taken nearest first, each number and word
/// once, and the largest figure per kind wins, so restated totals never add up twice.
/// </summary>
internal static class CasualtyExtractor
{
    public const int BackwardWindow = 16;
    public const int ForwardWindow = 4;
    public const int VagueWindow = 5;
    public const int MaxPlausible = 100_000;

    public static CasualtyFigures Extract(Evidence evidence, IReadOnlyList<NumberSpan> numbers)
    {
        var text = evidence.Text;
        var tokens = text.Tokens;
        var keywords = new List<(TermMatch<TermDefinition> Match, bool Killed)>();
        foreach (var m in evidence.Of(TermKind.Killed))
        {
            keywords.Add((m, true));
        }

        foreach (var m in evidence.Of(TermKind.Injured))
        {
            keywords.Add((m, false));
        }

        keywords.Sort((a, b) => a.Match.Start.CompareTo(b.Match.Start));
        var usable = numbers.Where(n => IsCountOfPeople(evidence, n)).ToList();

        var candidates = new List<(int Keyword, int Number, int Distance)>();
        for (var k = 0; k < keywords.Count; k++)
        {
            var kw = keywords[k].Match;
            var sentence = tokens[kw.Start].Sentence;
            for (var n = 0; n < usable.Count; n++)
            {
                var num = usable[n];
                if (tokens[num.Start].Sentence != sentence)
                {
                    continue;
                }

                if (num.End <= kw.Start)
                {
                    var gap = kw.Start - num.End - QualifierTokens(evidence, num.End, kw.Start);
                    if (gap <= BackwardWindow && !KeywordBetween(keywords, num.End, kw.Start))
                    {
                        candidates.Add((k, n, (gap * 2) + 1));
                    }
                }
                else if (num.Start >= kw.End)
                {
                    var gap = num.Start - kw.End - QualifierTokens(evidence, kw.End, num.Start);
                    if (RelayBetween(evidence, kw.End, num.Start) && !KeywordBetween(keywords, kw.End, num.Start))
                    {
                        candidates.Add((k, n, 0));
                    }
                    else if (gap <= ForwardWindow && !PunctBetween(tokens, kw.End, num.Start) && !KeywordBetween(keywords, kw.End, num.Start))
                    {
                        candidates.Add((k, n, (gap * 2) + 2));
                    }
                }
            }
        }

        candidates.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Number.CompareTo(b.Number));
        var keywordUsed = new bool[keywords.Count];
        var numberUsed = new bool[usable.Count];
        // "almost 300 injured" in a headline yields to the exact "279" of the body: approximations count only
        // when no exact figure of the same kind is given.
        int? killed = null, injured = null, killedApprox = null, injuredApprox = null;
        var reasons = new List<string>();
        var claimed = new HashSet<int>();
        foreach (var (k, n, _) in candidates)
        {
            if (keywordUsed[k] || numberUsed[n])
            {
                continue;
            }

            keywordUsed[k] = true;
            numberUsed[n] = true;
            var value = (int)usable[n].Value;
            claimed.Add(usable[n].Start);
            var approx = IsApproximate(evidence, usable[n]);
            if (keywords[k].Killed)
            {
                if (approx)
                {
                    killedApprox = Math.Max(killedApprox ?? 0, value);
                }
                else
                {
                    killed = Math.Max(killed ?? 0, value);
                }
            }
            else if (approx)
            {
                injuredApprox = Math.Max(injuredApprox ?? 0, value);
            }
            else
            {
                injured = Math.Max(injured ?? 0, value);
            }
        }

        killed ??= killedApprox;
        injured ??= injuredApprox;
        var killedSingle = false;
        var injuredSingle = false;

        bool killedUncounted = false, injuredUncounted = false, killedMany = false, injuredMany = false, injuredFew = false;
        for (var k = 0; k < keywords.Count; k++)
        {
            if (keywordUsed[k])
            {
                continue;
            }

            var kw = keywords[k].Match;
            var many = VagueNear(evidence, kw, TermKind.VagueMany);
            var single = !many && !VagueNear(evidence, kw, TermKind.VagueFew) && SinglePersonNear(evidence, kw);
            if (keywords[k].Killed)
            {
                killedUncounted = true;
                killedMany |= many;
                killedSingle |= single;
            }
            else
            {
                injuredUncounted = true;
                injuredMany |= many;
                injuredFew |= VagueNear(evidence, kw, TermKind.VagueFew);
                injuredSingle |= single;
            }
        }

        // "killing the driver", "травмовано жінку": one named person and no figure anywhere else counts one.
        if (killed is null && killedSingle)
        {
            killed = 1;
            reasons.Add("one person killed (named without a number)");
        }

        if (injured is null && injuredSingle)
        {
            injured = 1;
            reasons.Add("one person injured (named without a number)");
        }

        if (evidence.Any(TermKind.Casualties))
        {
            injuredUncounted = true;
        }

        if (killed is not null && !(killedSingle && killed == 1))
        {
            reasons.Add($"{killed} killed");
        }

        if (injured is not null && !(injuredSingle && injured == 1))
        {
            reasons.Add($"{injured} injured");
        }

        if (injuredMany && injured is null)
        {
            reasons.Add("dozens injured (no figure, counts as ≥10)");
        }
        else if (injuredFew && injured is null)
        {
            reasons.Add("several injured (no figure)");
        }

        return new CasualtyFigures
        {
            Killed = killed,
            Injured = injured,
            KilledUncounted = killed is null && killedUncounted,
            InjuredUncounted = injured is null && injuredUncounted,
            KilledMany = killed is null && killedMany,
            InjuredMany = injured is null && injuredMany,
            Reasons = reasons,
            ClaimedNumberTokens = claimed,
        };
    }

    private static bool IsCountOfPeople(Evidence evidence, NumberSpan n)
    {
        if (n.IsYearLike || n.Value <= 0 || n.Value > MaxPlausible)
        {
            return false;
        }

        var text = evidence.Text;
        var tokens = text.Tokens;

        // "Kh-22", "Су-34": a number glued to a word by a hyphen is part of a name.
        var first = tokens[n.Start];
        if (first.Start > 0 && text.Normalized[first.Start - 1] == '-' && n.Start > 0 && tokens[n.Start - 1].End == first.Start - 1)
        {
            return false;
        }

        var last = tokens[n.End - 1];
        if (last.End < text.Normalized.Length && text.Normalized[last.End] is '%' or ':' or '-' && last.Kind == TokenKind.Number)
        {
            return false;
        }

        if (n.Start > 0 && tokens[n.Start - 1].Kind == TokenKind.Punct && text.Normalized[tokens[n.Start - 1].Start] == ':')
        {
            return false;
        }

        foreach (var unit in evidence.Of(TermKind.UnitNoun))
        {
            if (unit.Start == n.End || (unit.Start == n.End + 1 && tokens[n.End].Kind == TokenKind.Word && !IsPerson(evidence, n.End)))
            {
                return false;
            }
        }

        foreach (var marker in evidence.Of(TermKind.SubgroupMarker))
        {
            // "including four children", "серед них семеро" (before) / "three of them", "троє з них" (after).
            var before = marker.Payload.Values.Contains("before") && (marker.End == n.Start || marker.End + 1 == n.Start);
            var after = marker.Payload.Values.Contains("after") && marker.Start == n.End;
            if (before || after)
            {
                return false;
            }
        }

        // "35 пошкоджено", "12 destroyed": a number right before a damage word counts things, not people.
        foreach (var hit in evidence.Of(TermKind.Hit))
        {
            if (hit.Start == n.End && tokens[hit.Start].Sentence == tokens[n.Start].Sentence)
            {
                return false;
            }
        }

        return true;
    }

    public const int SinglePersonWindow = 3;

    private static bool SinglePersonNear(Evidence evidence, TermMatch<TermDefinition> keyword)
    {
        var tokens = evidence.Text.Tokens;
        var sentence = evidence.SentenceOf(keyword);
        var found = 0;
        var counted = -1;
        foreach (var p in evidence.Of(TermKind.PersonSingle))
        {
            // "a 12-year-old" and "a 12-year-old boy" are one person.
            if (evidence.SentenceOf(p) != sentence || p.Start <= counted)
            {
                continue;
            }

            var near = p.End <= keyword.Start
                ? keyword.Start - p.End <= SinglePersonWindow && !PunctBetween(tokens, p.End, keyword.Start)
                : p.Start >= keyword.End && p.Start - keyword.End <= SinglePersonWindow && !PunctBetween(tokens, keyword.End, p.Start);
            if (near && !SubgroupBefore(evidence, p.Start))
            {
                found++;
                counted = p.End - 1;

                // "a doctor and a nurse were injured": a second person joined to this one by a conjunction.
                if (evidence.Of(TermKind.PersonSingle).Any(q => q.End <= p.Start && p.Start - q.End == 1 && evidence.SentenceOf(q) == sentence))
                {
                    found++;
                }
            }
        }

        // "ранены фельдшер и водитель": two named people are not one.
        return found == 1;
    }

    /// <summary>"серед них дитина", "including a child": the person is one of a group already counted.</summary>
    private static bool SubgroupBefore(Evidence evidence, int token)
    {
        foreach (var marker in evidence.Of(TermKind.SubgroupMarker))
        {
            if (marker.End <= token && token - marker.End <= 1)
            {
                return true;
            }
        }

        return false;
    }

    private static int QualifierTokens(Evidence evidence, int from, int to)
    {
        var count = 0;
        foreach (var q in evidence.Of(TermKind.Qualifier))
        {
            if (q.Start >= from && q.End <= to)
            {
                count += q.Length;
            }
        }

        return count;
    }

    private static bool IsApproximate(Evidence evidence, NumberSpan n)
    {
        foreach (var q in evidence.Of(TermKind.Qualifier))
        {
            if (q.End == n.Start && q.Payload.Values.Contains("approx"))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPerson(Evidence evidence, int token)
    {
        foreach (var p in evidence.Of(TermKind.PersonNoun))
        {
            if (p.Start == token)
            {
                return true;
            }
        }

        return false;
    }

    private static bool KeywordBetween(List<(TermMatch<TermDefinition> Match, bool Killed)> keywords, int from, int to)
    {
        foreach (var (m, _) in keywords)
        {
            if (m.Start >= from && m.End <= to)
            {
                return true;
            }
        }

        return false;
    }

    private static bool PunctBetween(Token[] tokens, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (tokens[i].Kind == TokenKind.Punct)
            {
                return true;
            }
        }

        return false;
    }

    private static bool RelayBetween(Evidence evidence, int from, int numberStart)
    {
        foreach (var relay in evidence.Of(TermKind.TollRelay))
        {
            if (relay.Start >= from && relay.End <= numberStart && numberStart - relay.End <= 1)
            {
                return true;
            }
        }

        return false;
    }

    private static bool VagueNear(Evidence evidence, TermMatch<TermDefinition> keyword, TermKind kind)
    {
        var sentence = evidence.SentenceOf(keyword);
        foreach (var v in evidence.Of(kind))
        {
            if (evidence.SentenceOf(v) != sentence)
            {
                continue;
            }

            if ((v.End <= keyword.Start && keyword.Start - v.End <= VagueWindow) || (v.Start >= keyword.End && v.Start - keyword.End <= 2))
            {
                return true;
            }
        }

        return false;
    }
}
