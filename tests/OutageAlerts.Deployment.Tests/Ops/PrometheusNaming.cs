using System.Text;

namespace OutageAlerts.Deployment.Tests.Ops;

/// <summary>
/// The OpenTelemetry → Prometheus name translation the OpenTelemetry .NET Prometheus exporter applies: invalid
/// characters become '_', the unit (annotations in braces dropped, abbreviations spelled out, "a/b" as "a_per_b")
/// is appended unless the name already ends with it, and monotonic counters get "_total".
/// </summary>
internal static class PrometheusNaming
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["TiBy"] = "tibibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["TBy"] = "terabytes",
        ["m"] = "meters",
        ["V"] = "volts",
        ["A"] = "amperes",
        ["J"] = "joules",
        ["W"] = "watts",
        ["g"] = "grams",
        ["Cel"] = "celsius",
        ["Hz"] = "hertz",
        ["%"] = "percent",
        ["$"] = "dollars",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["m"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
        ["w"] = "week",
        ["mo"] = "month",
        ["y"] = "year",
    };

    public static string FamilyName(string name, string? unit, PrometheusKind kind)
    {
        var result = Sanitize(name);
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !result.EndsWith("_" + suffix, StringComparison.Ordinal) && result != suffix)
        {
            result += "_" + suffix;
        }

        if (kind == PrometheusKind.Counter && !result.EndsWith("_total", StringComparison.Ordinal))
        {
            result += "_total";
        }

        return result;
    }

    public static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return "";
        }

        var withoutAnnotations = RemoveAnnotations(unit).Trim();
        if (withoutAnnotations.Length == 0 || withoutAnnotations == "1")
        {
            return "";
        }

        var slash = withoutAnnotations.IndexOf('/', StringComparison.Ordinal);
        string spelled;
        if (slash > 0 && slash < withoutAnnotations.Length - 1)
        {
            var numerator = withoutAnnotations[..slash];
            var denominator = withoutAnnotations[(slash + 1)..];
            spelled = $"{Units.GetValueOrDefault(numerator, numerator)}_per_{PerUnits.GetValueOrDefault(denominator, denominator)}";
        }
        else
        {
            spelled = Units.GetValueOrDefault(withoutAnnotations, withoutAnnotations);
        }

        return Sanitize(spelled).Trim('_');
    }

    /// <summary>Invalid characters become '_' and runs of '_' collapse to one, as the exporter writes names.</summary>
    public static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or ':';
            var next = valid ? c : '_';
            if (next == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }

            builder.Append(next);
        }

        if (builder.Length > 0 && char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    private static string RemoveAnnotations(string unit)
    {
        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
