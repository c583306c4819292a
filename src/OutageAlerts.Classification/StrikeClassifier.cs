using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutageAlerts.Classification.Detection;
using OutageAlerts.Classification.Figures;
using OutageAlerts.Classification.Lexicon;
using OutageAlerts.Classification.Places;
using OutageAlerts.Classification.Scoring;
using OutageAlerts.Classification.Targets;
using OutageAlerts.Classification.Text;
using OutageAlerts.Contracts;

namespace OutageAlerts.Classification;

/// <summary>
/// The engine: text → lexicon evidence → figures → targets → strike decision → places → severity.
/// Stateless after construction, so one instance serves every thread.
/// </summary>
public sealed partial class StrikeClassifier : IStrikeClassifier
{
    private const int ScratchMatches = 64;
    private const int MaxScratchMatches = 4_096;

    [ThreadStatic]
    private static List<TermMatch<TermDefinition>>? t_matches;

    private readonly ClassificationData _data;
    private readonly NumberReader _numbers;
    private readonly PlaceResolver _places;
    private readonly SeverityRules _severity;

    public StrikeClassifier(IOptions<ClassificationOptions> options, IOptions<SeverityOptions> severity, ILogger<StrikeClassifier> logger)
        : this(ClassificationData.Load(options.Value.DataDirectory), severity.Value)
    {
        LogLoaded(logger, _data.TermCount, _data.Places.Count, _data.Numbers.Count, options.Value.DataDirectory ?? "(embedded)");
    }

    internal StrikeClassifier(ClassificationData data, SeverityOptions severity)
    {
        _data = data;
        _numbers = new NumberReader(data.Numbers);
        _places = new PlaceResolver(data);
        _severity = new SeverityRules(severity);
    }

    /// <summary>An engine with the embedded data files and default thresholds, for the CLI and tests.</summary>
    public static StrikeClassifier CreateDefault(SeverityOptions? severity = null) =>
        new(ClassificationData.Load(), severity ?? new SeverityOptions());

    /// <summary>An engine with data files from <paramref name="dataDirectory"/> where present, embedded ones otherwise.</summary>
    public static StrikeClassifier Create(string? dataDirectory, SeverityOptions? severity = null) =>
        new(ClassificationData.Load(dataDirectory), severity ?? new SeverityOptions());

    public Assessment Classify(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var activity = ClassificationTelemetry.Source.StartActivity("classify");
        var assessment = ClassifyCore(report);
        if (activity is not null)
        {
            activity.SetTag("outagealerts.report.id", report.Id);
            activity.SetTag("outagealerts.report.language", assessment.Language);
            activity.SetTag("outagealerts.classification.decision", assessment.Alert ? "alert" : "no_alert");
            activity.SetTag("outagealerts.classification.severity", assessment.Severity.ToString());
            activity.SetTag("outagealerts.classification.targets", string.Join(',', assessment.Targets));
            activity.SetTag("outagealerts.classification.region", assessment.Region);
        }

        ClassificationTelemetry.Classified.Add(1, new TagList
        {
            { "lang", assessment.Language },
            { "alert", assessment.Alert },
        });
        return assessment;
    }

    private Assessment ClassifyCore(Report report)
    {
        var text = AnalyzedText.Create(report.Title ?? string.Empty, report.Summary, report.Language);
        // Evidence copies what it keeps into arrays of its own, so the raw matches can live in a per-thread list.
        var matches = t_matches ??= new List<TermMatch<TermDefinition>>(ScratchMatches);
        matches.Clear();
        _data.LexiconFor(text.Language).Match(text, matches);
        var placeMatches = _places.Match(text);
        var placeMasks = new List<(int Start, int End)>(placeMatches.Count);
        var towns = new List<(int Start, int End)>(placeMatches.Count);
        foreach (var p in placeMatches)
        {
            if (p.Payload.MasksTargets || p.Payload.Kind != "landmark")
            {
                placeMasks.Add((p.Start, p.End));
            }

            if (p.Payload.Kind is "city" or "oblast")
            {
                towns.Add((p.Start, p.End));
            }
        }

        var evidence = new Evidence(text, matches, placeMasks);
        if (matches.Capacity > MaxScratchMatches)
        {
            t_matches = null;
        }

        var numbers = _numbers.ReadAll(text);
        var casualties = CasualtyExtractor.Extract(evidence, numbers);
        var outage = OutageExtractor.Extract(evidence, numbers, casualties, towns);
        var targetHits = TargetExtractor.Extract(evidence);
        var decision = StrikeDetector.Decide(evidence, casualties, outage, targetHits, placeMatches.Exists(p => p.Payload.Region is not null));
        var reasons = new List<string>(decision.Reasons);

        if (!decision.Alert)
        {
            return new Assessment
            {
                Alert = false,
                Severity = Severity.None,
                Urgency = decision.Urgency,
                Certainty = decision.Certainty,
                Language = text.Language,
                Reasons = reasons,
            };
        }

        var outageSentences = new HashSet<int>(evidence.Of(TermKind.Outage).Select(evidence.SentenceOf));
        var places = PlaceResolver.Resolve(evidence, placeMatches, outageSentences);
        var targets = TargetExtractor.Categories(targetHits, outage.Services);
        foreach (var group in targetHits.GroupBy(h => h.Quote, StringComparer.Ordinal))
        {
            reasons.Add($"target: \"{group.Key}\" → {string.Join(", ", group.Select(g => g.Category).Distinct(StringComparer.Ordinal))}");
        }

        reasons.AddRange(outage.Reasons);
        reasons.AddRange(casualties.Reasons);
        reasons.AddRange(places.Reasons);

        var nuclear = NuclearSupplyAffected(evidence);
        var energyHit = targetHits.Any(h => TargetVocabulary.Utilities.Contains(h.Category));
        var input = new SeverityInput(casualties, outage, targets, energyHit, nuclear, places.Anchor?.BigCity == true, places.OutageRegionCount);
        var severity = _severity.Evaluate(input, reasons);

        var multiRegion = outage.Present && (outage.MultiRegion || outage.Nationwide || places.OutageRegionCount >= 3);
        var region = multiRegion ? null : places.Region;
        var anchor = places.Anchor;
        return new Assessment
        {
            Alert = true,
            Severity = severity,
            Urgency = decision.Urgency,
            Certainty = decision.Certainty,
            Targets = targets,
            Country = places.Country,
            Region = region,
            Regions = places.Regions,
            Killed = casualties.Killed,
            Injured = casualties.Injured,
            OutageCustomers = outage.Customers,
            Language = text.Language,
            Place = anchor is null ? null : new Place(anchor.Name, anchor.Country, anchor.Region, anchor.Lat, anchor.Lon, anchor.RadiusKm),
            Reasons = reasons,
        };
    }

    private static bool NuclearSupplyAffected(Evidence evidence)
    {
        foreach (var n in evidence.Of(TermKind.Nuclear))
        {
            var sentence = evidence.SentenceOf(n);
            if (!evidence.IsVoided(n) && evidence.InSentence(TermKind.NuclearSupply, sentence))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Classification data loaded: {Terms} lexicon terms, {Places} places, {NumberWords} number words from {Source}")]
    private static partial void LogLoaded(ILogger logger, int terms, int places, int numberWords, string source);
}
