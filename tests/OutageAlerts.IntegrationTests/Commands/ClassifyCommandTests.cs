using System.Text.Json;
using OutageAlerts.IntegrationTests.Infrastructure;

namespace OutageAlerts.IntegrationTests.Commands;

/// <summary>The real `outage-alerts classify` executable, as DESIGN.md contract 1 describes it.</summary>
public sealed class ClassifyCommandTests
{
    [Fact]
    public async Task Classify_JsonLinesOnStdin_WritesOneResultPerLineInOrderWithContractFields()
    {
        var input = string.Join('\n',
            """{"id":"a1","title":"Missile strike on Kharkiv power plant kills 3","summary":"Russian missiles hit a thermal power plant in Kharkiv, killing three workers.","published":"2026-11-20T05:00:00Z","lang":"en","source":"wire"}""",
            """{"id":"a2","title":"Parliament debates the budget","summary":"Lawmakers discussed spending plans for next year."}""");

        var (exit, stdout, stderr) = await RunAsync(input, "classify");

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("a1", first.RootElement.GetProperty("id").GetString());
        Assert.Equal("a2", second.RootElement.GetProperty("id").GetString());
        string[] fields = ["id", "alert", "severity", "urgency", "certainty", "targets", "country", "region", "regions", "killed", "injured", "outageCustomers", "lang", "reasons"];
        Assert.Equal(fields, first.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(first.RootElement.GetProperty("alert").GetBoolean());
        Assert.Equal(3, first.RootElement.GetProperty("killed").GetInt32());
        Assert.Equal("UA-63", first.RootElement.GetProperty("region").GetString());
        Assert.False(second.RootElement.GetProperty("alert").GetBoolean());
        Assert.Equal("None", second.RootElement.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Classify_MalformedLine_ReportsItsLineNumberAndClassifiesTheRest()
    {
        var input = string.Join('\n',
            """{"id":"ok1","title":"Quiet day in the capital","summary":"Nothing happened."}""",
            """{"id": "broken", "title": """,
            """{"id":"ok2","title":"Another quiet day","summary":"Still nothing."}""");

        var (exit, stdout, stderr) = await RunAsync(input, "classify");

        Assert.Equal(1, exit);
        Assert.Contains("line 2", stderr, StringComparison.Ordinal);
        var ids = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString());
        Assert.Equal(["ok1", "ok2"], ids);
    }

    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(string stdin, params string[] arguments) =>
        Executable.RunAsync(arguments, stdin);
}
