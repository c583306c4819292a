using System.Text.Json;
using System.Text.Json.Serialization;

namespace OutageAlerts.Classification.Tests.Evaluation;

/// <summary>One labelled line of public.jsonl or dev.jsonl.</summary>
public sealed class EvaluationItem
{
    public string Id { get; set; } = string.Empty;

    public string Lang { get; set; } = string.Empty;

    public string? Source { get; set; }

    public DateTimeOffset? Published { get; set; }

    public string Title { get; set; } = string.Empty;

    public string? Summary { get; set; }

    public Expectation Expect { get; set; } = new();

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static List<EvaluationItem> Load(string path) =>
        File.ReadLines(path)
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonSerializer.Deserialize<EvaluationItem>(l, Options)!)
            .ToList();
}

public sealed class Expectation
{
    public bool Alert { get; set; }

    public List<string> Targets { get; set; } = [];

    public string Severity { get; set; } = "None";

    public string? Country { get; set; }

    public string? Region { get; set; }

    public int? Killed { get; set; }

    public int? Injured { get; set; }

    [JsonPropertyName("incident")]
    public string? Incident { get; set; }
}
