using System.Text;
using System.Text.RegularExpressions;

namespace OutageAlerts.Deployment.Tests.Helm;

/// <summary>
/// Turns a Helm template into plain YAML without rendering it: a line that holds only template actions
/// (<c>{{- if … }}</c>, <c>{{- include … | nindent 4 }}</c>) is dropped, an action inside a line becomes a
/// placeholder scalar. The chart writes block content at its final indentation, so what remains is the YAML shape
/// every rendering shares.
/// </summary>
internal static partial class HelmTemplate
{
    private const char Sentinel = '\u0001';
    private const string Placeholder = "x";

    public static string StripActions(string template)
    {
        var text = Comment().Replace(template, m => new string('\n', m.Value.Count(c => c == '\n')));
        text = Action().Replace(text, Sentinel.ToString());
        var output = new StringBuilder(text.Length);
        foreach (var line in text.Split('\n'))
        {
            if (line.Contains(Sentinel, StringComparison.Ordinal) && line.All(c => c == Sentinel || char.IsWhiteSpace(c)))
            {
                continue;
            }

            output.Append(line.Replace(Sentinel.ToString(), Placeholder, StringComparison.Ordinal)).Append('\n');
        }

        return output.ToString();
    }

    /// <summary>The body of each <c>{{ define "name" }}</c> block, nested blocks balanced.</summary>
    public static IReadOnlyDictionary<string, string> Defines(string template)
    {
        var defines = new Dictionary<string, string>(StringComparer.Ordinal);
        var depth = 0;
        string? name = null;
        var bodyStart = 0;
        foreach (Match action in Action().Matches(template))
        {
            var keyword = Keyword().Match(action.Value);
            var word = keyword.Success ? keyword.Groups[1].Value : "";
            if (word is "if" or "range" or "with" or "define" or "block")
            {
                if (depth == 0 && word == "define")
                {
                    name = DefineName().Match(action.Value).Groups[1].Value;
                    bodyStart = action.Index + action.Length;
                }

                depth++;
            }
            else if (word == "end")
            {
                depth--;
                if (depth == 0 && name is not null)
                {
                    defines[name] = template[bodyStart..action.Index];
                    name = null;
                }
            }
        }

        return defines;
    }

    /// <summary>Every <c>.Values.a.b</c> path a template reads.</summary>
    public static IEnumerable<string> ValuesPaths(string template) =>
        ValuesPath().Matches(template).Select(m => m.Groups[1].Value.TrimStart('.'));

    /// <summary>Every <c>$variable.a.b</c> path read from the given template variable.</summary>
    public static IEnumerable<string> VariablePaths(string template, string variable) =>
        Regex.Matches(template, @"\$" + Regex.Escape(variable) + @"((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", RegexOptions.None, TimeSpan.FromSeconds(1))
            .Select(m => m.Groups[1].Value.TrimStart('.'));

    [GeneratedRegex(@"\{\{-?\s*/\*.*?\*/\s*-?\}\}", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    [GeneratedRegex(@"^\{\{-?\s*([a-z]+)\b")]
    private static partial Regex Keyword();

    [GeneratedRegex(@"define\s+""([^""]+)""")]
    private static partial Regex DefineName();

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex ValuesPath();
}
