using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OutageAlerts.Host.Telemetry;

namespace OutageAlerts.IntegrationTests.Telemetry;

/// <summary>
/// How many series each metric stream may hold. Regression (issue 10): every stream had the SDK's default of 2,000
/// metric points, allocated up front, which was 15 MB of the load harness's 45 MB live heap.
/// </summary>
public sealed class MetricStreamsTests
{
    [Theory]
    [InlineData("outagealerts.delivery.deliveries", 0, MetricStreams.DefaultLimit)]
    [InlineData("messaging.masstransit.consume", 1_000, MetricStreams.DefaultLimit)]
    [InlineData("http.server.request.duration", 1_000, MetricStreams.DefaultLimit)]
    [InlineData("http.client.request.duration", 1_000, MetricStreams.HttpClientLimit)]
    [InlineData("outagealerts.feed.fetch.duration", 10, MetricStreams.PerFeedMinimum)]
    [InlineData("outagealerts.feed.fetch.duration", 4_000, 5_000)]
    [InlineData("outagealerts.feed.polls", 1_000, 1_000 * MetricStreams.PollOutcomes * 5 / 4)]
    public void CardinalityLimit_Instrument_FollowsWhatItsTagsCanTake(string instrument, int feeds, int expected) =>
        Assert.Equal(expected, MetricStreams.CardinalityLimit(instrument, feeds));

    [Fact]
    public void For_FetchDuration_KeepsItsSecondsBucketsAndPerFeedLimit()
    {
        using var meter = new Meter("OutageAlerts.Ingestion.Test");
        var histogram = meter.CreateHistogram<double>("outagealerts.feed.fetch.duration", "s");

        var stream = Assert.IsType<ExplicitBucketHistogramConfiguration>(MetricStreams.For(histogram, 3_000));

        Assert.Equal(0.01, stream.Boundaries![0]);
        Assert.Equal(60, stream.Boundaries[^1]);
        Assert.Equal(3_750, stream.CardinalityLimit);
        Assert.Null(stream.Name);
    }

    [Fact]
    public void For_QuartzJobDuration_KeepsOnlyTheGroupTags()
    {
        using var meter = new Meter("Quartz.Test");
        var histogram = meter.CreateHistogram<double>("quartz.job.execution.duration");

        var stream = MetricStreams.For(histogram, 1_000);

        Assert.DoesNotContain("quartz.job.name", stream.TagKeys!);
        Assert.Contains("quartz.job.group", stream.TagKeys!);
        Assert.Equal(MetricStreams.DefaultLimit, stream.CardinalityLimit);
    }

    [Fact]
    public void MeterProvider_MoreSeriesThanTheLimit_FoldsTheRestIntoOneOverflowSeriesAndKeepsEveryFeed()
    {
        const int Feeds = 2_500;
        var exported = new List<MetricSnapshot>();
        using var meter = new Meter($"OutageAlerts.Test.{Guid.NewGuid():N}");
        using (var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meter.Name)
            .AddView(instrument => MetricStreams.For(instrument, Feeds))
            .AddInMemoryExporter(exported)
            .Build())
        {
            var deliveries = meter.CreateCounter<long>("outagealerts.delivery.deliveries");
            var itemsNew = meter.CreateCounter<long>("outagealerts.feed.items.new");
            for (var i = 0; i < MetricStreams.DefaultLimit * 2; i++)
            {
                deliveries.Add(1, new KeyValuePair<string, object?>("outcome", $"outcome-{i}"));
            }

            for (var i = 0; i < Feeds; i++)
            {
                itemsNew.Add(1, new KeyValuePair<string, object?>("outagealerts.feed.name", $"feed-{i}"));
            }

            provider.ForceFlush();
        }

        var deliverySeries = Points(exported, "outagealerts.delivery.deliveries");
        Assert.InRange(deliverySeries.Count, MetricStreams.DefaultLimit - 2, MetricStreams.DefaultLimit + 1);
        Assert.Contains(deliverySeries, p => p.Overflow);
        Assert.Equal(MetricStreams.DefaultLimit * 2, deliverySeries.Sum(p => p.Sum));

        var feedSeries = Points(exported, "outagealerts.feed.items.new");
        Assert.DoesNotContain(feedSeries, p => p.Overflow);
        Assert.Equal(Feeds, feedSeries.Count);
    }

    private static List<(bool Overflow, long Sum)> Points(List<MetricSnapshot> exported, string name)
    {
        // The flush and the provider's disposal each export a snapshot; cumulative, so the first holds everything.
        var points = new List<(bool, long)>();
        foreach (var metric in exported.Where(m => m.Name == name).Take(1))
        {
            foreach (var point in metric.MetricPoints)
            {
                var overflow = false;
                foreach (var tag in point.Tags)
                {
                    overflow |= tag.Key == "otel.metric.overflow";
                }

                points.Add((overflow, point.GetSumLong()));
            }
        }

        return points;
    }
}
