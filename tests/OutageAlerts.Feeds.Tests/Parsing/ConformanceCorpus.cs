using System.Text.Json;

namespace OutageAlerts.Feeds.Tests.Parsing;

/// <summary>The shared feedparser conformance corpus, found beside the repository (…/shared/conformance/feedparser).</summary>
internal static class ConformanceCorpus
{
    private static readonly Lazy<string?> Root = new(Locate);

    public static string? Directory => Root.Value;

    public static string NotFoundMessage =>
        "The shared conformance corpus (shared/conformance/feedparser) was not found above " + AppContext.BaseDirectory;

    public static IReadOnlyList<ConformanceExpectation> LoadExpectations(string root)
    {
        var list = new List<ConformanceExpectation>();
        foreach (var line in File.ReadLines(Path.Combine(root, "expectations.jsonl")))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            list.Add(new ConformanceExpectation(
                e.GetProperty("file").GetString()!,
                e.GetProperty("field").GetString()!,
                e.GetProperty("kind").GetString()!,
                e.GetProperty("expected").Clone(),
                e.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object,
                e.TryGetProperty("description", out var d) ? d.GetString() : null,
                ReadHeaders(e)));
        }

        return list;
    }

    private static Dictionary<string, string> ReadHeaders(JsonElement row)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (row.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object
            && http.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in h.EnumerateObject())
            {
                headers[header.Name] = header.Value.GetString() ?? string.Empty;
            }
        }

        return headers;
    }

    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance", "feedparser");
            if (File.Exists(Path.Combine(candidate, "expectations.jsonl")))
            {
                return candidate;
            }
        }

        return null;
    }
}

internal sealed record ConformanceExpectation(
    string File,
    string Field,
    string Kind,
    JsonElement Expected,
    bool NeedsHttp,
    string? Description,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>A fact that reports itself skipped, with the reason, when the shared corpus is not there.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (ConformanceCorpus.Directory is null)
        {
            Skip = ConformanceCorpus.NotFoundMessage;
        }
    }
}
