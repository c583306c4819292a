using System.Text.RegularExpressions;

namespace OutageAlerts.Deployment.Tests.Container;

/// <summary>One instruction of a Dockerfile, continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Stage);

/// <summary>Reads the repository's Dockerfile into instructions, numbered by build stage (FROM starts a stage).</summary>
internal static partial class Dockerfile
{
    public static IReadOnlyList<DockerInstruction> Instructions(string text)
    {
        var joined = Continuation().Replace(text, " ");
        var instructions = new List<DockerInstruction>();
        var stage = -1;
        foreach (var raw in joined.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            if (keyword == "FROM")
            {
                stage++;
            }

            instructions.Add(new DockerInstruction(keyword, space < 0 ? "" : line[(space + 1)..].Trim(), stage));
        }

        return instructions;
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex Continuation();
}
