using OutageAlerts.Classification.Detection;
using OutageAlerts.Classification.Lexicon;

namespace OutageAlerts.Classification.Figures;

/// <summary>
/// Finds what was cut off and for how many: "90,000 customers", "50 тисяч домогосподарств",
/// "556 тысяч жителей", "300 apartment buildings" (×100), skipping counts already restored and
/// numbers that count casualties. Scope words ("whole city", "кількох областях") come from the lexicon.
/// </summary>
internal static class OutageExtractor
{
    /// <summary>How close a town's name must stand to the outage words to be what was cut off ("Кременчук без світла").</summary>
    public const int NamedTownWindow = 1;

    public static OutageFigures Extract(Evidence evidence, IReadOnlyList<NumberSpan> numbers, CasualtyFigures casualties)
        => Extract(evidence, numbers, casualties, []);

    /// <param name="towns">Spans of place names that can be towns (not countries or landmarks).</param>
    public static OutageFigures Extract(Evidence evidence, IReadOnlyList<NumberSpan> numbers, CasualtyFigures casualties, IReadOnlyList<(int Start, int End)> towns)
    {
        var outageSentences = new HashSet<int>();
        var services = new List<string>();
        var reasons = new List<string>();
        var scopes = evidence.Of(TermKind.OutageScope);
        foreach (var m in evidence.Of(TermKind.Outage))
        {
            var sentence = evidence.SentenceOf(m);

            // "no casualties or power cuts", "знеструмлень немає": a negated outage is no outage.
            if (evidence.IsVoided(m) || Overlaps(scopes, "supplyUnaffected", m))
            {
                continue;
            }

            outageSentences.Add(sentence);
            foreach (var v in m.Payload.Values)
            {
                if (v != "any" && !services.Contains(v))
                {
                    services.Add(v);
                    reasons.Add($"outage: \"{evidence.Quote(m)}\" → {v}");
                }
            }
        }

        if (outageSentences.Count == 0)
        {
            var unaffected = evidence.Any(TermKind.OutageScope, "supplyUnaffected");
            return new OutageFigures { SupplyUnaffected = unaffected, Reasons = unaffected ? ["supply explicitly unaffected"] : [] };
        }

        long? customers = null;
        long? equivalent = null;
        var tokens = evidence.Text.Tokens;
        foreach (var n in numbers)
        {
            var sentence = tokens[n.Start].Sentence;
            if (!outageSentences.Contains(sentence) || n.IsYearLike || casualties.ClaimedNumberTokens.Contains(n.Start) || RestoredBefore(evidence, n))
            {
                continue;
            }

            var unit = UnitAfter(evidence, n);
            if (unit is null && !OutageRightAfter(evidence, n))
            {
                continue;
            }

            // "80,000 still cut off", "120 000 remain without supply": the outage words make the count customers.
            var factor = unit is not null && long.TryParse(unit.Value.Payload.Value, out var f) ? f : 1;
            if (factor == 1)
            {
                customers = Math.Max(customers ?? 0, n.Value);
            }

            equivalent = Math.Max(equivalent ?? 0, n.Value * factor);
        }

        if (customers is not null)
        {
            reasons.Add($"{customers:N0} cut off");
        }

        // "parts of the city without electricity" holds "the city without": a scope inside a local one is local.
        bool Scope(string value)
        {
            foreach (var s in scopes)
            {
                if (s.Payload.Values.Contains(value) && outageSentences.Contains(evidence.SentenceOf(s))
                    && (value == "local" || !LocalCovers(scopes, s.Start)))
                {
                    return true;
                }
            }

            return false;
        }

        // A count or any "part of" in the outage sentences says how much was cut off better than a name does.
        var namedTown = equivalent is null && !Scope("local") ? NamedTownCutOff(evidence, towns, outageSentences) : null;
        if (namedTown is not null)
        {
            reasons.Add($"town named as cut off: \"{namedTown}\" → whole city");
        }


        var figures = new OutageFigures
        {
            Present = true,
            Customers = customers,
            CustomerEquivalent = equivalent,
            Local = Scope("local"),
            WholeCity = Scope("wholeCity") || namedTown is not null,
            WholeDistrict = Scope("wholeDistrict"),
            MultiRegion = Scope("multiRegion"),
            RegionWide = Scope("regionWide"),
            Nationwide = Scope("nationwide"),
            HalfOfCity = Scope("half"),
            SupplyUnaffected = Scope("supplyUnaffected"),
            Services = services,
            Reasons = reasons,
        };
        return figures;
    }

    /// <summary>
    /// "Kremenchuk without power", "знеструмлено Кременчук", "the town of Chortkiv … without electricity": a
    /// town named as what was cut off, with no count and no "part of" before it, is a whole-city outage.
    /// A name followed by "region"/"області", or an oblast form (Сумщина), is a region, not a town.
    /// </summary>
    private static string? NamedTownCutOff(Evidence evidence, IReadOnlyList<(int Start, int End)> towns, HashSet<int> outageSentences)
    {
        var text = evidence.Text;
        var tokens = text.Tokens;
        foreach (var (start, end) in towns)
        {
            var sentence = tokens[start].Sentence;
            if (!outageSentences.Contains(sentence) || IsRegionName(evidence, start, end) || LocalScopeNear(evidence, start - 3, start, sentence))
            {
                continue;
            }

            var named = evidence.Of(TermKind.CityNoun).Any(c => c.End <= start && start - c.End <= 1 && evidence.SentenceOf(c) == sentence);
            var adjacent = false;
            foreach (var o in evidence.Of(TermKind.Outage))
            {
                if (evidence.SentenceOf(o) != sentence)
                {
                    continue;
                }

                // The town before the outage words ("Кременчук без світла", not "в Ізмаїлі перебої"), or right after
                // a cut-off verb ("знеструмлено Кременчук").
                var subject = !evidence.Of(TermKind.PlacePreposition).Any(p => p.End == start);
                if ((subject && o.Start >= end && o.Start - end <= NamedTownWindow && !PunctBetween(tokens, end, o.Start) && !LocalScopeNear(evidence, end, o.Start, sentence))
                    || o.End == start)
                {
                    adjacent = true;
                    break;
                }
            }

            if (named || adjacent)
            {
                return text.Quote(start, end);
            }
        }

        return null;
    }

    private static bool IsRegionName(Evidence evidence, int start, int end)
    {
        var text = evidence.Text;
        var word = text.TextOf(start);
        if (word.Contains("щин", StringComparison.Ordinal) || word.Contains("ччин", StringComparison.Ordinal) || word.Contains("чин", StringComparison.Ordinal))
        {
            return true;
        }

        // "Kharkiv region" (one gazetteer term) or "Kharkiv" + "region".
        return evidence.Of(TermKind.RegionWord).Any(r => r.Start > start && r.Start <= end);
    }

    /// <summary>A "part of"/"частково" scope word ending within tokens [<paramref name="from"/>, <paramref name="to"/>].</summary>
    private static bool LocalScopeNear(Evidence evidence, int from, int to, int sentence)
    {
        foreach (var s in evidence.Of(TermKind.OutageScope))
        {
            if (evidence.SentenceOf(s) == sentence && s.Payload.Values.Contains("local") && s.End >= from && s.Start <= to)
            {
                return true;
            }
        }

        return false;
    }

    private static bool PunctBetween(Text.Token[] tokens, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (tokens[i].Kind == Text.TokenKind.Punct)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Overlaps(TermMatch<TermDefinition>[] scopes, string value, TermMatch<TermDefinition> m)
    {
        foreach (var u in scopes)
        {
            if (u.Start < m.End && m.Start < u.End && u.Payload.Values.Contains(value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool LocalCovers(TermMatch<TermDefinition>[] scopes, int token)
    {
        foreach (var l in scopes)
        {
            if (l.Start <= token && l.End >= token && l.Payload.Values.Contains("local"))
            {
                return true;
            }
        }

        return false;
    }

    public const int BareCountWindow = 2;

    private static bool OutageRightAfter(Evidence evidence, NumberSpan n)
    {
        var tokens = evidence.Text.Tokens;
        foreach (var o in evidence.Of(TermKind.Outage))
        {
            if (o.Start >= n.End && o.Start - n.End <= BareCountWindow && tokens[o.Start].Sentence == tokens[n.Start].Sentence
                && !PunctBetween(tokens, n.End, o.Start))
            {
                return true;
            }
        }

        return false;
    }

    private static TermMatch<TermDefinition>? UnitAfter(Evidence evidence, NumberSpan n)
    {
        foreach (var u in evidence.Of(TermKind.OutageUnit))
        {
            if (u.Start >= n.End && u.Start - n.End <= 1)
            {
                return u;
            }
        }

        return null;
    }

    private static bool RestoredBefore(Evidence evidence, NumberSpan n)
    {
        foreach (var r in evidence.Of(TermKind.Restored))
        {
            if (r.End <= n.Start && n.Start - r.End <= 3 && evidence.SentenceOf(r) == evidence.Text.Tokens[n.Start].Sentence)
            {
                return true;
            }
        }

        return false;
    }
}
