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
    public static OutageFigures Extract(Evidence evidence, IReadOnlyList<NumberSpan> numbers, CasualtyFigures casualties)
    {
        var outageSentences = new HashSet<int>();
        var services = new List<string>();
        var reasons = new List<string>();
        foreach (var m in evidence.Of(TermKind.Outage))
        {
            var sentence = evidence.SentenceOf(m);
            if (evidence.IsVoided(sentence))
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
            if (unit is null)
            {
                continue;
            }

            var factor = long.TryParse(unit.Value.Payload.Value, out var f) ? f : 1;
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

        bool Scope(string value) => evidence.Of(TermKind.OutageScope)
            .Any(s => s.Payload.Values.Contains(value) && outageSentences.Contains(evidence.SentenceOf(s)));

        var figures = new OutageFigures
        {
            Present = true,
            Customers = customers,
            CustomerEquivalent = equivalent,
            Local = Scope("local"),
            WholeCity = Scope("wholeCity"),
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
