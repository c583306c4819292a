namespace OutageAlerts.Deployment.Tests.Ops;

/// <summary>The dashboard and the alert rules only query metrics the service really serves on /metrics.</summary>
public sealed class MetricNamesTests
{
    /// <summary>
    /// Series Prometheus itself writes for every scrape target; the service cannot emit them, and they say
    /// whether it is scraped at all.
    /// </summary>
    private static readonly HashSet<string> PrometheusOwn = new(StringComparer.Ordinal) { "up" };

    [Fact]
    public async Task Dashboard_EveryMetric_IsOneTheServiceEmits()
    {
        var scraped = await ServiceMetrics.ScrapeOnceAsync();
        var uses = MetricUsage.DashboardFiles().SelectMany(MetricUsage.InDashboard).ToList();

        Assert.True(uses.Select(u => u.Metric).Distinct().Count() >= 15, "The dashboard should chart the pipeline's metrics.");
        AssertAllEmitted(uses, scraped);
    }

    [Fact]
    public async Task AlertRules_EveryMetric_IsOneTheServiceEmits()
    {
        var scraped = await ServiceMetrics.ScrapeOnceAsync();
        var uses = MetricUsage.RuleFiles().SelectMany(MetricUsage.InRules).ToList();

        Assert.True(uses.Select(u => u.Metric).Distinct().Count() >= 5, "The rules should use the pipeline's metrics.");
        AssertAllEmitted(uses, scraped);
    }

    [Fact]
    public async Task FamilyName_EveryInstrument_MatchesThePrometheusExporter()
    {
        var scraped = await ServiceMetrics.ScrapeOnceAsync();

        Assert.Contains(scraped.Instruments, i => i.Meter == "OutageAlerts.Ingestion");
        Assert.Contains(scraped.Instruments, i => i.Meter == "MassTransit");
        var mismatched = scraped.Instruments
            .Where(i => !i.SeriesNames.All(scraped.SeriesNames.Contains))
            .Select(i => $"{i.Meter} {i.Name} ({i.Unit}, {i.Kind}) → {i.PrometheusName}")
            .ToList();
        Assert.True(mismatched.Count == 0, "The exporter named these differently:\n" + string.Join('\n', mismatched));
    }

    [Fact]
    public async Task ScrapeOnceAsync_PipelineMetrics_AreServed()
    {
        var scraped = await ServiceMetrics.ScrapeOnceAsync();

        Assert.Superset(
            new HashSet<string>(
            [
                "outagealerts_feed_polls_total", "outagealerts_feed_fetch_duration_seconds_bucket", "outagealerts_alerts_published_total",
                "outagealerts_delivery_deliveries_total", "outagealerts_delivery_latency_milliseconds_bucket",
                "outagealerts_classifications_total", "outagealerts_feed_last_success_timestamp_seconds",
                "outagealerts_delivery_retries_pending", "outagealerts_messaging_error_queue_depth",
                "outagealerts_memory_trims_total", "outagealerts_memory_trim_released_bytes_total", "outagealerts_memory_trim_duration_seconds_bucket",
            ]),
            scraped.SeriesNames.ToHashSet(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("OutageAlertsRetryBacklog", "outagealerts_delivery_retries_pending")]
    [InlineData("OutageAlertsErrorQueueNotEmpty", "outagealerts_messaging_error_queue_depth")]
    [InlineData("OutageAlertsFeedStale", "outagealerts_feed_last_success_timestamp_seconds")]
    public void AlertRules_BacklogAndStaleness_UseTheServiceGauges(string alert, string gauge)
    {
        var metrics = MetricUsage.RuleFiles().SelectMany(MetricUsage.InRules)
            .Where(u => u.Where.EndsWith(": " + alert, StringComparison.Ordinal))
            .Select(u => u.Metric)
            .ToHashSet(StringComparer.Ordinal);

        // The gauge alone: no stand-in derived from MassTransit's or the delivery counters any more.
        Assert.Equal(new HashSet<string>([gauge]), metrics);
    }

    [Theory]
    [InlineData("outagealerts_delivery_retries_pending")]
    [InlineData("outagealerts_messaging_error_queue_depth")]
    [InlineData("outagealerts_classifications_total")]
    [InlineData("outagealerts_feed_last_success_timestamp_seconds")]
    public void Dashboard_IssueEightMetrics_AreCharted(string metric)
    {
        var charted = MetricUsage.DashboardFiles().SelectMany(MetricUsage.InDashboard).Select(u => u.Metric);

        Assert.Contains(metric, charted);
    }

    [Fact]
    public void Dashboard_ErrorQueueStat_ReadsTheQueueDepthNotMassTransitCounters()
    {
        var uses = MetricUsage.DashboardFiles().SelectMany(MetricUsage.InDashboard)
            .Where(u => u.Where.Contains("error queue", StringComparison.OrdinalIgnoreCase))
            .Select(u => u.Metric)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(new HashSet<string>(["outagealerts_messaging_error_queue_depth"]), uses);
    }

    private static void AssertAllEmitted(IEnumerable<(string Where, string Metric)> uses, ScrapedMetrics scraped)
    {
        var unknown = uses
            .Where(u => !scraped.SeriesNames.Contains(u.Metric) && !PrometheusOwn.Contains(u.Metric))
            .Select(u => $"{u.Where}: {u.Metric}")
            .Distinct()
            .ToList();
        Assert.True(unknown.Count == 0, "Not served on /metrics:\n" + string.Join('\n', unknown));
    }
}
