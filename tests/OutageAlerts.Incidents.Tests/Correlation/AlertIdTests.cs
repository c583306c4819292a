using System.Text.RegularExpressions;
using OutageAlerts.Incidents.Correlation;

namespace OutageAlerts.Incidents.Tests.Correlation;

/// <summary>
/// The alert id's shape and order: the store's indexes rely on ids growing with time (issue 10), and subscribers
/// compare them as plain strings.
/// </summary>
public sealed partial class AlertIdTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 3, 14, 15, TimeSpan.Zero);

    [Fact]
    public void AlertIdFor_AnyReport_PrefixElevenDigitsOfTimeAndEightOfHash()
    {
        var id = IncidentCorrelator.AlertIdFor("ukrinform:https://example.org/a/1", Start);

        Assert.Matches(IdShape(), id);
        Assert.Equal($"oa-{Start.ToUnixTimeMilliseconds():x11}", id[..14]);
    }

    [Fact]
    public void AlertIdFor_LaterStart_SortsAfterEveryEarlierId()
    {
        // Keys chosen so that the later id's hash part is not what orders them.
        var starts = new[]
        {
            // Where the time's first hexadecimal digit changes (November 2004).
            DateTimeOffset.FromUnixTimeMilliseconds(0x0ff_ffff_ffff),
            DateTimeOffset.FromUnixTimeMilliseconds(0x100_0000_0000),
            Start,
            Start.AddMilliseconds(1),
            Start.AddSeconds(1),
            Start.AddDays(400),
        };
        var ids = starts.Select((at, i) => IncidentCorrelator.AlertIdFor($"feed:item-{9 - i}", at)).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.All(ids, id => Assert.Matches(IdShape(), id));
    }

    [Fact]
    public void AlertIdFor_SameMillisecond_DiffersByReportKey()
    {
        var ids = Enumerable.Range(0, 1_000).Select(i => IncidentCorrelator.AlertIdFor($"feed:item-{i}", Start)).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void AlertIdFor_SameReportAndTime_SameId()
    {
        Assert.Equal(
            IncidentCorrelator.AlertIdFor("feed:item", Start),
            IncidentCorrelator.AlertIdFor("feed:item", Start));
    }

    [Fact]
    public void AlertIdFor_TimeOutsideElevenDigits_ClampedToKeepTheShape()
    {
        var before = IncidentCorrelator.AlertIdFor("feed:item", DateTimeOffset.UnixEpoch.AddYears(-1));
        var after = IncidentCorrelator.AlertIdFor("feed:item", DateTimeOffset.MaxValue);

        Assert.StartsWith("oa-00000000000", before, StringComparison.Ordinal);
        Assert.StartsWith("oa-fffffffffff", after, StringComparison.Ordinal);
        Assert.All([before, after], id => Assert.Matches(IdShape(), id));
    }

    [GeneratedRegex("^oa-[0-9a-f]{19}$")]
    private static partial Regex IdShape();
}
