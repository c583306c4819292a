using System.Globalization;
using System.Text.RegularExpressions;
using OutageAlerts.Host.Memory;
using OutageAlerts.IntegrationTests.Faults;
using OutageAlerts.IntegrationTests.Infrastructure;

namespace OutageAlerts.IntegrationTests.Memory;

/// <summary>The trimmer in the real executable: registered by <c>run</c>, judging the runtime's own figures.</summary>
[Collection(PipelineTests.Name)]
public sealed partial class IdleMemoryTrimProcessTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_QuietAfterItsStart_GivesBackCommittedMemoryAndLogsIt()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            // Checked every second, and any spare memory is worth a trim: the start's allocations leave some.
            [$"{MemoryOptions.SectionName}:CheckInterval"] = "00:00:01",
            [$"{MemoryOptions.SectionName}:TrimThresholdBytes"] = "0",
        };
        await using var service = ServiceProcess.Start("trim", "all", settings, Directory.CreateTempSubdirectory("outage-alerts-trim-").FullName);

        var deadline = DateTime.UtcNow + Limit;
        Match trimmed;
        while (!(trimmed = TrimmedLine().Match(service.Output)).Success && !service.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.True(trimmed.Success, $"no trim logged within {Limit.TotalSeconds} s:\n{service.Output}");
        var before = double.Parse(trimmed.Groups["before"].Value, CultureInfo.InvariantCulture);
        var after = double.Parse(trimmed.Groups["after"].Value, CultureInfo.InvariantCulture);
        Assert.True(after < before, trimmed.Value);
        Assert.Equal(0, await service.StopAsync());
    }

    [GeneratedRegex(IdleMemoryTrimmer.TrimmedLogStart + @", (?<before>[0-9.]+) → (?<after>[0-9.]+) MiB committed")]
    private static partial Regex TrimmedLine();
}
