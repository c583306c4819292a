using OutageAlerts.Classification.Detection;
using OutageAlerts.Classification.Lexicon;
using OutageAlerts.Classification.Text;

namespace OutageAlerts.Classification.Places;

/// <summary>
/// Matches the gazetteer (stems cover inflections: Харків, Харкова, Харківщині) and weighs the mentions:
/// the title counts more, a capital used for its government ("a claim Kyiv rejected") or as a destination
/// ("a train bound for Kyiv") counts less. One clear leader becomes the region; a tie means a multi-region
/// report and no region.
/// </summary>
internal sealed class PlaceResolver(ClassificationData data)
{
    public const double TitleBonus = 1.5;
    public const double MetonymWeight = 0.2;
    public const double TieRatio = 0.6;

    private const int MaxScratchMatches = 4_096;

    [ThreadStatic]
    private static List<TermMatch<GazetteerEntry>>? t_raw;

    public List<TermMatch<GazetteerEntry>> Match(AnalyzedText text)
    {
        // Only the kept matches leave, in a list of their own; the raw ones live in a per-thread list.
        var raw = t_raw ??= [];
        raw.Clear();
        data.Gazetteer.Match(text, raw);

        // Longest match wins where names overlap ("Kyiv region" over "Kyiv", "Білгород-Дністровський" over "Білгород").
        raw.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var kept = new List<TermMatch<GazetteerEntry>>(raw.Count);
        var coveredUntil = -1;
        foreach (var m in raw)
        {
            if (m.Start < coveredUntil)
            {
                continue;
            }

            kept.Add(m);
            coveredUntil = m.End;
        }

        if (raw.Capacity > MaxScratchMatches)
        {
            t_raw = null;
        }

        return kept;
    }

    public static PlaceResolution Resolve(Evidence evidence, List<TermMatch<GazetteerEntry>> matches, ISet<int> outageSentences)
    {
        var text = evidence.Text;
        var regionScores = new Dictionary<string, double>(StringComparer.Ordinal);
        var regionCountry = new Dictionary<string, string>(StringComparer.Ordinal);
        var countryScores = new Dictionary<string, double>(StringComparer.Ordinal);
        var entryScores = new Dictionary<GazetteerEntry, double>();
        var outageRegions = new HashSet<string>(StringComparer.Ordinal);
        var titleRegions = new HashSet<string>(StringComparer.Ordinal);
        var masks = new List<(int, int)>();
        foreach (var m in matches)
        {
            var entry = m.Payload;
            if (entry.MasksTargets || entry.Kind != "landmark")
            {
                masks.Add((m.Start, m.End));
            }

            var sentence = text.Tokens[m.Start].Sentence;
            var weight = entry.Weight * (sentence == 0 ? TitleBonus : 1.0);
            if (entry.Capital && IsMetonym(evidence, m))
            {
                weight *= MetonymWeight;
            }

            if (entry.Region is null)
            {
                if (!entry.Attacker)
                {
                    countryScores[entry.Country] = countryScores.GetValueOrDefault(entry.Country) + (weight * 0.5);
                }

                continue;
            }

            regionScores[entry.Region] = regionScores.GetValueOrDefault(entry.Region) + weight;
            regionCountry[entry.Region] = entry.Country;
            countryScores[entry.Country] = countryScores.GetValueOrDefault(entry.Country) + weight;
            entryScores[entry] = entryScores.GetValueOrDefault(entry) + weight;
            if (outageSentences.Contains(sentence))
            {
                outageRegions.Add(entry.Region);
            }

            if (sentence == 0 && weight >= entry.Weight)
            {
                titleRegions.Add(entry.Region);
            }
        }

        var ordered = regionScores.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        string? region = null;
        var reasons = new List<string>();
        if (ordered.Count > 0)
        {
            var top = ordered[0];
            // A title naming two regions ("strikes hit Kyiv, Kharkiv") is a multi-region report.
            var tie = (ordered.Count > 1 && ordered[1].Value >= top.Value * TieRatio) || titleRegions.Count > 1;
            if (!tie)
            {
                region = top.Key;
            }
        }

        var country = region is not null
            ? regionCountry[region]
            : countryScores.Count > 0 ? countryScores.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First().Key : null;
        GazetteerEntry? anchor = entryScores.Count > 0
            ? entryScores.Where(kv => region is null || kv.Key.Region == region).OrderByDescending(kv => kv.Value).Select(kv => kv.Key).FirstOrDefault()
            : null;
        if (region is not null)
        {
            reasons.Add($"place: {anchor?.Name ?? region} → {region}");
        }
        else if (ordered.Count > 1)
        {
            reasons.Add($"places in several regions ({string.Join(", ", ordered.Select(o => o.Key))}) → no single region");
        }

        return new PlaceResolution
        {
            Country = country,
            Region = region,
            Regions = ordered.Select(o => o.Key).ToList(),
            Anchor = anchor,
            OutageRegionCount = outageRegions.Count,
            TargetMasks = masks,
            Reasons = reasons,
        };
    }

    private static bool IsMetonym(Evidence evidence, TermMatch<GazetteerEntry> m)
    {
        foreach (var v in evidence.Of(TermKind.SpeechVerb))
        {
            if (v.Start >= m.End && v.Start - m.End <= 1)
            {
                return true;
            }
        }

        foreach (var d in evidence.Of(TermKind.Direction))
        {
            if (d.End <= m.Start && m.Start - d.End <= 1)
            {
                return true;
            }
        }

        return false;
    }
}
