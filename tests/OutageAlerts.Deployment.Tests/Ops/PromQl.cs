using System.Text.RegularExpressions;

namespace OutageAlerts.Deployment.Tests.Ops;

/// <summary>
/// Finds the metric names a PromQL expression selects. Not a parser: strings, label matchers, ranges and grouping
/// label lists are cut out first, then every remaining identifier that is not a function call, keyword or
/// Grafana variable is a metric name.
/// </summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "offset", "bool",
        "inf", "nan", "Inf", "NaN", "atan2",
    };

    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var text = GrafanaVariable().Replace(expression, "0");
        text = StringLiteral().Replace(text, "\"\"");
        text = LabelMatchers().Replace(text, "");
        text = RangeOrSubquery().Replace(text, "");
        text = GroupingLabels().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in Identifier().Matches(text))
        {
            var rest = text.AsSpan(match.Index + match.Length).TrimStart();
            if (rest.Length > 0 && rest[0] == '(')
            {
                continue;
            }

            if (!Keywords.Contains(match.Value))
            {
                names.Add(match.Value);
            }
        }

        return names;
    }

    /// <summary>The metric of a Grafana <c>label_values(metric, label)</c> variable query; null for <c>label_values(label)</c>.</summary>
    public static string? LabelValuesMetric(string query)
    {
        var match = LabelValues().Match(query);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"\$\{[^}]*\}|\$[A-Za-z_]\w*")]
    private static partial Regex GrafanaVariable();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex RangeOrSubquery();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")]
    private static partial Regex GroupingLabels();

    [GeneratedRegex(@"(?<![\w.:])[A-Za-z_:][\w:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"label_values\(\s*([A-Za-z_:][\w:]*)\s*(?:\{[^}]*\})?\s*,")]
    private static partial Regex LabelValues();
}
