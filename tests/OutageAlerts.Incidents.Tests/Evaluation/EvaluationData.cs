namespace OutageAlerts.Incidents.Tests.Evaluation;

/// <summary>Where the labelled sets live: the project's public sample (outside the repository) and this project's own.</summary>
public static class EvaluationData
{
    public const string PublicSampleVariable = "OUTAGE_ALERTS_EVAL_DIR";

    /// <summary>This project's scenarios, written for correlation: Data/incidents.dev.jsonl next to the tests.</summary>
    public static string DevSet => Path.Combine(AppContext.BaseDirectory, "Data", "incidents.dev.jsonl");

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
