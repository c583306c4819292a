using System.Text.Json;
using OutageAlerts.Classification;
using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Replay;

namespace OutageAlerts.Incidents.Tests.Evaluation;

/// <summary>One labelled line (eval/public.jsonl format); its expectations stand in for the classifier's output.</summary>
public sealed record LabelledItem
{
    public string Id { get; init; } = "";
    public string Lang { get; init; } = "en";
    public string? Source { get; init; }
    public DateTimeOffset Published { get; init; }
    public string Title { get; init; } = "";
    public string? Summary { get; init; }
    public Expectation Expect { get; init; } = new();

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<LabelledItem> Load(string path) =>
        [.. File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => JsonSerializer.Deserialize<LabelledItem>(l, Options)!)];

    /// <summary>The item as correlation sees it, with the labels as a perfect classifier's assessment.</summary>
    public ClassifiedReport ToClassified()
    {
        var severity = Enum.Parse<Severity>(Expect.Severity);
        var report = new Report(Id, Title, Summary, Published, Lang, Source);
        var assessment = new Assessment
        {
            Alert = Expect.Alert,
            Severity = severity,
            Urgency = Expect.Alert ? Urgency.Immediate : Urgency.Unknown,
            Certainty = Expect.Alert ? Certainty.Likely : Certainty.Unknown,
            Language = Lang,
            Targets = Expect.Targets,
            Country = Expect.Country,
            Region = Expect.Region,
            Regions = Expect.Region is null ? [] : [Expect.Region],
            Killed = Expect.Killed,
            Injured = Expect.Injured,
        };
        return IncidentReplay.ToClassified(report, assessment);
    }
}

public sealed record Expectation
{
    public bool Alert { get; init; }
    public IReadOnlyList<string> Targets { get; init; } = [];
    public string Severity { get; init; } = "None";
    public string? Country { get; init; }
    public string? Region { get; init; }
    public int? Killed { get; init; }
    public int? Injured { get; init; }
    public string? Incident { get; init; }
}
