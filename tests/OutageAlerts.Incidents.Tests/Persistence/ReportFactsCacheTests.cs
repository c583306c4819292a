using OutageAlerts.Incidents.Correlation;
using OutageAlerts.Incidents.Persistence;

namespace OutageAlerts.Incidents.Tests.Persistence;

public sealed class ReportFactsCacheTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryGet_AfterAdd_ReturnsTheSameFacts()
    {
        var cache = new ReportFactsCache();
        var facts = Facts("wire:1");

        cache.Add("wire:1", facts);

        Assert.True(cache.TryGet("wire:1", out var found));
        Assert.Same(facts, found);
        Assert.False(cache.TryGet("wire:2", out _));
    }

    [Fact]
    public void Add_BeyondCapacity_StartsOverWithTheNewEntry()
    {
        var cache = new ReportFactsCache();
        for (var i = 0; i < ReportFactsCache.Capacity; i++)
        {
            cache.Add($"wire:{i}", Facts($"wire:{i}"));
        }

        cache.Add("wire:last", Facts("wire:last"));

        Assert.False(cache.TryGet("wire:0", out _));
        Assert.True(cache.TryGet("wire:last", out _));
    }

    private static ReportFacts Facts(string key) => new() { ItemKey = key, Feed = "wire", ItemId = key, Published = At, FetchedAt = At };
}
