using OutageAlerts.Host.Benchmarking;

namespace OutageAlerts.IntegrationTests.Benchmarking;

public sealed class StageTimelineTests
{
    private static readonly TimeSpan Width = TimeSpan.FromMilliseconds(250);

    private static IEnumerable<TimeSpan> Ms(params double[] milliseconds) => milliseconds.Select(ms => TimeSpan.FromMilliseconds(ms));

    [Fact]
    public void Build_EventsOfEachKind_CountsEachInTheBucketItEndedIn()
    {
        var timeline = StageTimeline.Build(Width, itemsProcessed: Ms(0, 10, 249.9, 250, 600), routed: Ms(260, 499, 610), delivered: Ms(700, 740));

        Assert.Equal(
            [
                new TimelineBucket(0, 3, 0, 0),
                new TimelineBucket(250, 1, 2, 0),
                new TimelineBucket(500, 1, 1, 2),
            ],
            timeline);
    }

    [Fact]
    public void Build_QuietStretch_KeepsTheEmptyBuckets()
    {
        var timeline = StageTimeline.Build(Width, itemsProcessed: Ms(100), routed: Ms(), delivered: Ms(1100));

        Assert.Equal([0, 250, 500, 750, 1000], timeline.Select(b => b.AtMs));
        Assert.Equal([0, 0, 0, 0, 1], timeline.Select(b => b.Delivered));
        Assert.All(timeline.Skip(1).Take(3), b => Assert.Equal(new TimelineBucket(b.AtMs, 0, 0, 0), b));
    }

    [Fact]
    public void Build_EventBeforeTheStart_CountsInTheFirstBucket()
    {
        var timeline = StageTimeline.Build(Width, itemsProcessed: Ms(-5), routed: Ms(), delivered: Ms());

        Assert.Equal([new TimelineBucket(0, 1, 0, 0)], timeline);
    }

    [Fact]
    public void Build_NoEvents_IsEmpty()
    {
        Assert.Empty(StageTimeline.Build(Width, Ms(), Ms(), Ms()));
    }

    [Fact]
    public void Build_ManyEvents_SumsMatchTheInputs()
    {
        var items = Enumerable.Range(0, 1000).Select(i => TimeSpan.FromMilliseconds(i * 1.7)).ToList();
        var routed = Enumerable.Range(0, 1000).Select(i => TimeSpan.FromMilliseconds(300 + (i * 2.3))).ToList();

        var timeline = StageTimeline.Build(Width, items, routed, routed);

        Assert.Equal(1000, timeline.Sum(b => b.ItemsProcessed));
        Assert.Equal(1000, timeline.Sum(b => b.Routed));
        Assert.Equal(1000, timeline.Sum(b => b.Delivered));
    }
}
