namespace OutageAlerts.Incidents.Tests.Evaluation;

/// <summary>Where the labelled sets live: the project's public sample (outside the repository) and this project's own.</summary>
public static class EvaluationData
{
    public const string PublicSampleVariable = "OUTAGE_ALERTS_EVAL_DIR";

    /// <summary>This project's scenarios, written for correlation: Data/incidents.dev.jsonl next to the tests.</summary>
    public static string DevSet => Path.Combine(AppContext.BaseDirectory, "Data", "incidents.dev.jsonl");

    /// <summary>The classification project's labelled dev set (455 items, 227 incidents), or null outside the repository.</summary>
    public static string? ClassificationDevSet => ClassificationSet("dev.jsonl");

    /// <summary>The classification project's blind set (153 items, 82 incidents), or null outside the repository.</summary>
    public static string? ClassificationBlindSet => ClassificationSet("dev-blind.jsonl");

    /// <summary>Groups of the classification sets' incident ids that name one event (see the file's header).</summary>
    public static string SameEventAliases => Path.Combine(AppContext.BaseDirectory, "Data", "classification-sets.same-event.txt");

    /// <summary>
    /// A classification set with its translations of one event joined into one incident (the first id of each line
    /// of <see cref="SameEventAliases"/>), as the labelling rules define an incident.
    /// </summary>
    public static IReadOnlyList<LabelledItem> LoadClassificationSet(string path)
    {
        var canonical = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(SameEventAliases))
        {
            var ids = line.Split('#')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var id in ids)
            {
                canonical[id] = ids[0];
            }
        }

        return
        [
            .. LabelledItem.Load(path).Select(item => item.Expect.Incident is { } id && canonical.TryGetValue(id, out var joined)
                ? item with { Expect = item.Expect with { Incident = joined } }
                : item),
        ];
    }

    /// <summary>eval/public.jsonl from $OUTAGE_ALERTS_EVAL_DIR or a shared/eval folder above the working tree.</summary>
    public static string? PublicSample
    {
        get
        {
            if (Environment.GetEnvironmentVariable(PublicSampleVariable) is { Length: > 0 } dir && File.Exists(Path.Combine(dir, "public.jsonl")))
            {
                return Path.Combine(dir, "public.jsonl");
            }

            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, "shared", "eval", "public.jsonl");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }

    private static string? ClassificationSet(string name)
    {
        // The test binaries run from tests/…/bin/<configuration>/<tfm>; the repository root holds the solution.
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "OutageAlerts.sln")))
            {
                var candidate = Path.Combine(folder.FullName, "tests", "OutageAlerts.Classification.Tests", "Evaluation", name);
                return File.Exists(candidate) ? candidate : null;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs the public sample; skipped (with the reason) where it is not available.</summary>
public sealed class PublicSampleFactAttribute : FactAttribute
{
    public PublicSampleFactAttribute()
    {
        if (EvaluationData.PublicSample is null)
        {
            Skip = $"eval/public.jsonl not found (set {EvaluationData.PublicSampleVariable})";
        }
    }
}

/// <summary>A fact that needs the classification project's labelled sets; skipped where the repository is not around.</summary>
public sealed class ClassificationSetsFactAttribute : FactAttribute
{
    public ClassificationSetsFactAttribute()
    {
        if (EvaluationData.ClassificationDevSet is null || EvaluationData.ClassificationBlindSet is null)
        {
            Skip = "tests/OutageAlerts.Classification.Tests/Evaluation/dev.jsonl or dev-blind.jsonl not found above the test binaries";
        }
    }
}
