namespace OutageAlerts.Deployment.Tests.Ops;

/// <summary>Reads the Prometheus text exposition format far enough to list its sample names.</summary>
internal static class PrometheusText
{
    public static IReadOnlySet<string> SeriesNames(string text)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var end = line.IndexOfAny(['{', ' ']);
            names.Add(end < 0 ? line : line[..end]);
        }

        return names;
    }
}
