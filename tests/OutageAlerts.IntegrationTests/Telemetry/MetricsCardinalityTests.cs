using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;

namespace OutageAlerts.IntegrationTests.Telemetry;

/// <summary>
/// What <c>/metrics</c> grows with when feeds are added: our per-feed series, which dashboards chart, and nothing else.
/// Regression (issue 10): Quartz labelled its job histogram with every job's and trigger's name, one job per feed, and
/// 1,000 feeds made a 9.4 MB scrape.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class MetricsCardinalityTests
{
    private const int Feeds = 6;

    [Fact]
    public async Task Metrics_SeveralFeedsPolled_QuartzJobSeriesPerGroupNotPerFeedAndFetchDurationPerFeed()
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        env.Serve();
        var overrides = new Dictionary<string, string?>();
        for (var i = 1; i < Feeds; i++)
        {
            overrides[$"OutageAlerts:Feeds:{i}:Name"] = $"wire-{i}";
            overrides[$"OutageAlerts:Feeds:{i}:Url"] = env.Feeds.Url($"feeds/wire.xml?copy={i}").AbsoluteUri;
            overrides[$"OutageAlerts:Feeds:{i}:Interval"] = "00:00:01";
        }

        await using var host = env.BuildHost(ServiceRoles.Ingestion, overrides);
        await host.StartAsync();
        using var client = TelemetryHostEndpoints.Client(host);
        var text = "";
        var deadline = DateTime.UtcNow.AddSeconds(45);
        // Every feed polled at least once, so each has had a Quartz job execution and a fetch.
        while (CountFeeds(text) < Feeds)
        {
            Assert.True(DateTime.UtcNow < deadline, "not every feed was polled within 45 s:\n" + text);
            await Task.Delay(250);
            text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }

        await host.StopAsync();

        var jobLines = Lines(text, "quartz_job_execution_duration_seconds_count");
        Assert.NotEmpty(jobLines);
        Assert.All(jobLines, line => Assert.DoesNotContain("quartz_job_name", line, StringComparison.Ordinal));
        Assert.All(Lines(text, "quartz_job_execution_active"), line => Assert.DoesNotContain("quartz_trigger_name", line, StringComparison.Ordinal));
        // Feed polls are one group however many feeds there are; with release-held-alerts' group, at most a few series.
        Assert.True(jobLines.Count <= 4, string.Join('\n', jobLines));
        Assert.Equal(Feeds, CountFeeds(text));
    }

    private static int CountFeeds(string text) =>
        Lines(text, "outagealerts_feed_fetch_duration_seconds_count")
            .Select(l => l[(l.IndexOf("outagealerts_feed_name=\"", StringComparison.Ordinal) + 24)..])
            .Select(l => l[..l.IndexOf('"', StringComparison.Ordinal)])
            .Distinct(StringComparer.Ordinal)
            .Count();

    private static List<string> Lines(string text, string sample) =>
        [.. text.Split('\n').Where(l => l.StartsWith(sample + "{", StringComparison.Ordinal) || l.StartsWith(sample + " ", StringComparison.Ordinal))];
}
