using System.Globalization;

namespace OutageAlerts.Incidents.Correlation;

/// <summary>How strongly a report belongs to an incident, with the evidence that added up to it.</summary>
/// <param name="Possible">False when a hard rule rules the incident out (other country, other region, out of window).</param>
internal sealed record MatchScore(bool Possible, double Score, IReadOnlyList<string> Evidence)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"score {Score:0.0}: {string.Join("; ", Evidence)}");
}

/// <summary>
/// Scores a report against an open incident. Points are roughly log-odds: being in the same region, near in time
/// and about the same kind of target only makes a match plausible (on an attack night several incidents share all
/// three), so a match also needs specific evidence: names both texts mention (transliterated across languages),
/// a consistent casualty count, the same precise place or a near-identical text.
/// </summary>
internal static class IncidentMatcher
{
    // Scope: a roundup (no single region) and one region's report of the same night are different incidents.
    public const double SameRegion = 1.5;
    public const double ScopeMismatch = -3.0;
    public const double SameNationalScope = 0.5;
    public const double RegionsOverlap = 0.8;
    public const double RegionsDisjoint = -1.5;

    // Place: within a region, towns tens of kilometres apart are separate events.
    public const double NearbyKm = 10;

    /// <summary>
    /// A gazetteer place this wide is a region (or a metropolis) rather than a town or a site: sharing it says no more
    /// than sharing the region, so it earns no "same place" points and its name counts like any other name.
    /// </summary>
    public const double PreciseRadiusKm = 30;
    public const double DistantKm = 40;
    public const double SamePlace = 1.0;
    public const double DistantPlace = -3.0;

    public const double TargetsSame = 0.8;
    public const double TargetsSameMinimumJaccard = 0.5;
    public const double TargetsOverlap = 0.4;
    public const double TargetsDisjoint = -2.5;

    public const double SameToll = 1.0;
    public const double SameSmallToll = 0.4;
    public const int SmallToll = 5;
    public const double TollRises = 0.3;
    public const double TollRevised = -0.2;
    public const double TollContradicts = -1.5;

    /// <summary>Each name both texts mention, divided by the number of open incidents that mention it too.</summary>
    public const double SharedName = 1.2;

    /// <summary>
    /// The region's own name as the only name in common, while the report names something specific the incident
    /// never mentions (another town of the oblast: Kramatorsk and Sloviansk both resolve to the Donetsk region): every
    /// report from the region names the region, so this tells two of its incidents apart no better than the region.
    /// </summary>
    public const double SharedRegionNameOnly = 0.3;

    public const double MaxNames = 3.6;
    public const double NoNameInCommon = -0.8;
    public const int NamesForContrast = 2;
    public const double NoNameInCommonSameLanguage = -1.2;
    public const int SpecificNameFrequency = 2;
    public const double Copy = 5.0;
    public const double SimilarText = 1.5;
    public const double SimilarTextThreshold = 0.35;

    /// <summary>
    /// Similar (not copied) wording counts only this close in time: a regional administration words every night's
    /// outage report alike («after the drone attack N thousand residents without power»), so a day later similar
    /// wording is as likely the next night's strike as a follow-up.
    /// </summary>
    public static readonly TimeSpan SimilarTextWithin = TimeSpan.FromHours(16);

    /// <summary>The score with the evidence behind it, as the log and the evaluation tests show it.</summary>
    /// <param name="report">The new report.</param>
    /// <param name="incident">The incident's reports so far.</param>
    /// <param name="nameFrequency">For each name key, how many candidate incidents mention it.</param>
    /// <param name="options">The correlation window and spans.</param>
    public static MatchScore Score(
        ReportFacts report,
        IReadOnlyList<ReportFacts> incident,
        IReadOnlyDictionary<string, int> nameFrequency,
        IncidentOptions options)
    {
        var evidence = new List<string>();
        return Evaluate(report, incident, nameFrequency, options, evidence) is { } score
            ? new MatchScore(true, score, evidence)
            : new MatchScore(false, double.NegativeInfinity, evidence);
    }

    /// <summary>
    /// The same score as <see cref="Score"/> without its evidence, or null where a hard rule rules the incident out.
    /// Correlation weighs every open incident in the window for each report (10,000 on a long attack night): the
    /// evidence's formatted strings and the sets behind the hard rules were most of what that cost (issue 10).
    /// </summary>
    public static double? Points(
        ReportFacts report,
        IReadOnlyList<ReportFacts> incident,
        IReadOnlyDictionary<string, int> nameFrequency,
        IncidentOptions options) =>
        Evaluate(report, incident, nameFrequency, options, evidence: null);

    private static double? Evaluate(
        ReportFacts report,
        IReadOnlyList<ReportFacts> incident,
        IReadOnlyDictionary<string, int> nameFrequency,
        IncidentOptions options,
        List<string>? evidence)
    {
        if (incident.Count == 0)
        {
            return Impossible(evidence, "empty incident");
        }

        // The hard rules first, in one pass and without allocating: most candidates fail one of them.
        string? country = null;
        var (first, last, gap) = (DateTimeOffset.MaxValue, DateTimeOffset.MinValue, TimeSpan.MaxValue);
        for (var i = 0; i < incident.Count; i++)
        {
            var published = incident[i].Published;
            country ??= incident[i].Country;
            first = published < first ? published : first;
            last = published > last ? published : last;
            var distance = (published - report.Published).Duration();
            gap = distance < gap ? distance : gap;
        }

        if (report.Country is not null && country is not null && !string.Equals(report.Country, country, StringComparison.Ordinal))
        {
            return Impossible(evidence, evidence is null ? null : $"country {report.Country} ≠ {country}");
        }

        if (gap > options.CorrelationWindow)
        {
            return Impossible(evidence, "outside the correlation window");
        }

        var span = (report.Published > last ? report.Published : last) - (report.Published < first ? report.Published : first);
        if (span > options.MaxIncidentSpan)
        {
            return Impossible(evidence, "incident would span too long");
        }

        var score = 0.0;
        score += Add(evidence, TimeEvidence(gap), evidence is null ? null : string.Create(CultureInfo.InvariantCulture, $"{gap.TotalHours:0.#} h apart"));

        var placeDistance = NearestPlace(report, incident);
        var scope = ScopeEvidence(report, incident, placeDistance);
        if (scope is null)
        {
            return Impossible(evidence, evidence is null ? null : $"region {report.Region} not among the incident's");
        }

        score += Add(evidence, scope.Value.Points, scope.Value.Why);

        var samePlace = false;
        if (placeDistance is { } place)
        {
            if (place.Km <= place.Radius + NearbyKm && place.Radius <= PreciseRadiusKm)
            {
                samePlace = true;
                score += Add(evidence, SamePlace, "same place");
            }
            else if (place.Km > place.Radius + DistantKm)
            {
                score += Add(evidence, DistantPlace, evidence is null ? null : string.Create(CultureInfo.InvariantCulture, $"places {place.Km:0} km apart"));
            }
        }

        var targets = incident.SelectMany(r => r.Targets).ToHashSet(StringComparer.Ordinal);
        if (report.Targets.Count > 0 && targets.Count > 0)
        {
            // Later reports list more damage, so one set inside the other is agreement; a hospital strike and a
            // high-rise strike that also broke a clinic's windows overlap only a little.
            var shared = report.Targets.Count(targets.Contains);
            var contained = shared == Math.Min(report.Targets.Count, targets.Count);
            var jaccard = (double)shared / (report.Targets.Count + targets.Count - shared);
            score += shared switch
            {
                0 => Add(evidence, TargetsDisjoint, "different targets"),
                _ when contained && jaccard >= TargetsSameMinimumJaccard => Add(evidence, TargetsSame, "same targets"),
                _ => Add(evidence, TargetsOverlap, "overlapping targets"),
            };
        }

        score += FigureEvidence(report, incident, r => r.Killed, "killed", 1.0, evidence);
        score += FigureEvidence(report, incident, r => r.Injured, "injured", 0.5, evidence);

        var names = incident.SelectMany(r => r.NameKeys).ToHashSet(StringComparer.Ordinal);
        // A place both sides resolved to has been weighed as "same place"; its name is not counted again. A place
        // name is counted when the places differ (a plant inside a city, a dam and the town it is named after).
        var sharedPlaceKeys = samePlace ? PlaceKeys([report]).Intersect(PlaceKeys(incident), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal) : [];
        var sharedNames = report.NameKeys.Where(k => names.Contains(k) && !sharedPlaceKeys.Contains(k)).ToList();
        var nameWeight = OnlyTheRegionsName(report, incident, sharedNames, names, scope.Value.Points) ? SharedRegionNameOnly : SharedName;
        var nameScore = sharedNames.Sum(k => nameWeight / Math.Max(1, nameFrequency.GetValueOrDefault(k, 1)));
        if (nameScore > 0)
        {
            score += Add(evidence, Math.Min(MaxNames, nameScore), evidence is null ? null : "names in common: " + string.Join(" ", sharedNames));
        }

        score += ContrastEvidence(report, incident, sharedNames, nameFrequency, evidence);

        var similarity = incident.Max(r => ReportFacts.ContentSimilarity(report, r));
        if (similarity >= IncidentSnapshot.SyndicatedSimilarity)
        {
            score += Add(evidence, Copy, "copy of a report");
        }
        else if (similarity >= SimilarTextThreshold && gap <= SimilarTextWithin)
        {
            score += Add(evidence, SimilarText, "similar text");
        }

        return score;
    }

    /// <summary>A hard rule's verdict; with evidence wanted, the rule is all of it.</summary>
    private static double? Impossible(List<string>? evidence, string? why)
    {
        if (evidence is not null)
        {
            evidence.Clear();
            evidence.Add(why!);
        }

        return null;
    }

    /// <summary>
    /// Both texts name several specific things (a hospital, a district, an official) and none of them agree. Only
    /// certain names count (a capitalised word opening a sentence may be a common word), and place names do not:
    /// places are compared by distance.
    /// </summary>
    private static double ContrastEvidence(
        ReportFacts report,
        IReadOnlyList<ReportFacts> incident,
        IReadOnlyList<string> sharedNames,
        IReadOnlyDictionary<string, int> nameFrequency,
        List<string>? evidence)
    {
        if (sharedNames.Any(k => nameFrequency.GetValueOrDefault(k, 1) <= SpecificNameFrequency))
        {
            return 0;
        }

        var places = PlaceKeys([report, .. incident]);
        var mine = report.ProperNameKeys.Count(k => !places.Contains(k));
        if (mine < NamesForContrast)
        {
            return 0;
        }

        var theirs = incident.Select(r => (r.Language, Names: r.ProperNameKeys.Count(k => !places.Contains(k)))).ToList();
        if (theirs.Sum(r => r.Names) < NamesForContrast)
        {
            return 0;
        }

        // Within one language the names would have matched if they were the same; across scripts they may not.
        var sameLanguage = report.Language is not null &&
            theirs.Any(r => r.Names >= NamesForContrast && string.Equals(r.Language, report.Language, StringComparison.Ordinal));
        return sameLanguage
            ? Add(evidence, NoNameInCommonSameLanguage, "no specific name in common, same language")
            : Add(evidence, NoNameInCommon, "no specific name in common");
    }

    private static bool OnlyTheRegionsName(ReportFacts report, IReadOnlyList<ReportFacts> incident, List<string> sharedNames, HashSet<string> incidentNames, double scopePoints)
    {
        if (scopePoints != SameRegion || sharedNames.Count == 0)
        {
            return false;
        }

        var wide = PlaceKeys([.. incident.Append(report).Where(r => r.Place is { RadiusKm: > PreciseRadiusKm })]);
        return sharedNames.All(wide.Contains) && report.ProperNameKeys.Any(k => !wide.Contains(k) && !incidentNames.Contains(k));
    }

    private static HashSet<string> PlaceKeys(IEnumerable<ReportFacts> reports) =>
        reports
            .Select(r => r.Place is { } p ? TextKeys.Key(p.Description.Split(' ')[0]) : null)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    internal static double TimeEvidence(TimeSpan gap) => gap.TotalHours switch
    {
        <= 3 => 0.7,
        <= 8 => 0.4,
        <= 16 => 0,
        <= 24 => -0.4,
        _ => -0.8,
    };

    private static (double Points, string Why)? ScopeEvidence(ReportFacts report, IReadOnlyList<ReportFacts> incident, (double Km, double Radius, double InnerRadius)? place)
    {
        // A report the classifier could not place at all (no country, no region) is not a national roundup: its scope
        // is unknown, and the other evidence decides.
        if (!IsLocated(report) || !incident.Any(IsLocated))
        {
            return (0, "scope unknown");
        }

        // Loops rather than sets: this runs for every candidate, and an incident has a few reports.
        var (regional, sameRegion) = (false, false);
        foreach (var r in incident)
        {
            regional |= r.Region is not null;
            sameRegion |= r.Region is not null && string.Equals(r.Region, report.Region, StringComparison.Ordinal);
        }

        if (report.Region is not null)
        {
            if (!regional)
            {
                return (ScopeMismatch, "regional report, national incident");
            }

            if (sameRegion)
            {
                return (SameRegion, "same region");
            }

            // Neighbouring codes for one place (Kyiv city inside Kyiv oblast) are tolerated when the places agree.
            return place is { } p && SamePlaceAcrossRegions(p) ? (0, "other region, same place") : null;
        }

        if (regional)
        {
            return (ScopeMismatch, "national report, regional incident");
        }

        var (listed, overlap) = (false, false);
        foreach (var r in incident)
        {
            listed |= r.Regions.Count > 0;
            foreach (var region in r.Regions)
            {
                overlap |= report.Regions.Contains(region, StringComparer.Ordinal);
            }
        }

        if (report.Regions.Count == 0 || !listed)
        {
            return (SameNationalScope, "both national");
        }

        return overlap
            ? (SameNationalScope + RegionsOverlap, "regions overlap")
            : (RegionsDisjoint, "different regions");
    }

    private static bool IsLocated(ReportFacts report) => report.Country is not null || report.Region is not null || report.Regions.Count > 0;

    /// <summary>
    /// Whether two places of different region codes are one place: two precise places next to each other (Gaza's
    /// governorates, a city and the plant at its edge), or a precise place wholly inside a region-wide one (Kyiv city
    /// in the Kyiv oblast entry, Sevastopol in Crimea's). Two region-wide places say no more than their regions, which
    /// differ: the Vinnytsia and Khmelnytskyi oblast entries lie 109 km apart, within their 100 km radii, and their
    /// administrations publish bulletins in one template. Nor does a region-wide circle that only reaches a city count:
    /// Dnipro lies 122 km from the Zaporizhzhia oblast entry's centre, inside its 120 km radius plus the slack.
    /// </summary>
    internal static bool SamePlaceAcrossRegions((double Km, double Radius, double InnerRadius) place) =>
        place.Radius <= PreciseRadiusKm
            ? place.Km <= place.Radius + NearbyKm
            : place.InnerRadius <= PreciseRadiusKm && place.Km + place.InnerRadius <= place.Radius;

    private static (double Km, double Radius, double InnerRadius)? NearestPlace(ReportFacts report, IReadOnlyList<ReportFacts> incident)
    {
        if (report.Place is not { } mine)
        {
            return null;
        }

        (double Km, double Radius, double InnerRadius)? nearest = null;
        foreach (var other in incident)
        {
            if (other.Place is not { } theirs)
            {
                continue;
            }

            var km = DistanceKm(mine.Latitude, mine.Longitude, theirs.Latitude, theirs.Longitude);
            if (nearest is null || km < nearest.Value.Km)
            {
                nearest = (km, Math.Max(mine.RadiusKm, theirs.RadiusKm), Math.Min(mine.RadiusKm, theirs.RadiusKm));
            }
        }

        return nearest;
    }

    /// <summary>
    /// Tolls grow as rescuers work and are sometimes revised down a little, so a report whose count sits between the
    /// counts published before and after it is consistent; a count that collapses (31 dead, then 2) belongs elsewhere.
    /// </summary>
    private static double FigureEvidence(ReportFacts report, IReadOnlyList<ReportFacts> incident, Func<ReportFacts, long?> figure, string label, double weight, List<string>? evidence)
    {
        if (figure(report) is not { } mine)
        {
            return 0;
        }

        // The highest count published up to this report and the lowest published after it.
        long? previous = null, next = null;
        foreach (var r in incident)
        {
            if (figure(r) is not { } theirs)
            {
                continue;
            }

            if (r.Published <= report.Published)
            {
                previous = previous is { } p && p >= theirs ? p : theirs;
            }
            else
            {
                next = next is { } n && n <= theirs ? n : theirs;
            }
        }

        if (previous is null && next is null)
        {
            return 0;
        }

        var points = 0.0;
        if (previous is { } before)
        {
            points += Compare(before, mine);
        }

        if (next is { } after)
        {
            points += Compare(mine, after);
        }

        points *= weight;
        return Add(evidence, points, evidence is null ? null : $"{label} figures {(points >= 0 ? "consistent" : "inconsistent")}");
    }

    private static double Compare(long earlier, long later)
    {
        if (earlier == later)
        {
            return later >= SmallToll ? SameToll : later >= 2 ? SameSmallToll : 0;
        }

        if (later > earlier)
        {
            return TollRises;
        }

        // A downward revision is small; a collapse is another event.
        return earlier - later <= 2 || later >= earlier * 0.6 ? TollRevised : TollContradicts;
    }

    private static double Add(List<string>? evidence, double points, string? why)
    {
        if (evidence is not null && points != 0)
        {
            evidence.Add(string.Create(CultureInfo.InvariantCulture, $"{why} ({points:+0.0;-0.0})"));
        }

        return points;
    }

    internal static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        const double EarthRadiusKm = 6371;
        var dLat = ToRadians(lat2 - lat1);
        var dLon = ToRadians(lon2 - lon1);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) +
                (Math.Cos(ToRadians(lat1)) * Math.Cos(ToRadians(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static double ToRadians(double degrees) => degrees * Math.PI / 180;
}
