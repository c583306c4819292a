using System.Globalization;
using System.Text;

namespace OutageAlerts.IntegrationTests.Faults;

/// <summary>One fault-injection test's outcome: what was injected, what was expected and what arrived.</summary>
public sealed record FaultRow(string Fault, int FaultsInjected, int Expected, int Delivered, int Duplicates, int Lost, string Figure);

/// <summary>
/// Collects the fault-injection suite's rows and keeps them as a Markdown table in a file (the path in
/// <c>OUTAGE_ALERTS_FAULT_SUMMARY</c>, else next to the test assembly), which <c>test.sh</c> prints after the run.
/// </summary>
public static class FaultSummary
{
    public const string PathVariable = "OUTAGE_ALERTS_FAULT_SUMMARY";
    private static readonly Lock Gate = new();
    private static readonly List<FaultRow> Rows = [];

    public static string FilePath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path
            ? path
            : Path.Combine(AppContext.BaseDirectory, "fault-summary.md");

    /// <summary>Adds the row and rewrites the table; returns the table so the test can print it too.</summary>
    public static string Record(FaultRow row)
    {
        lock (Gate)
        {
            Rows.Add(row);
            var table = Table(Rows);
            var path = FilePath;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, table);
            return table;
        }
    }

    public static string Table(IEnumerable<FaultRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| fault | faults injected | alerts expected | delivered | duplicates | lost | measured |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Fault} | {r.FaultsInjected} | {r.Expected} | {r.Delivered} | {r.Duplicates} | {r.Lost} | {r.Figure} |");
        }

        return text.ToString();
    }
}
