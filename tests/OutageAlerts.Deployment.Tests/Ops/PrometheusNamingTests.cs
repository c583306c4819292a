namespace OutageAlerts.Deployment.Tests.Ops;

public sealed class PrometheusNamingTests
{
    [Theory]
    [InlineData("outagealerts.feed.polls", "{poll}", PrometheusKind.Counter, "outagealerts_feed_polls_total")]
    [InlineData("outagealerts.feed.fetch.duration", "s", PrometheusKind.Histogram, "outagealerts_feed_fetch_duration_seconds")]
    [InlineData("outagealerts.delivery.latency", "ms", PrometheusKind.Histogram, "outagealerts_delivery_latency_milliseconds")]
    [InlineData("outagealerts.feeds.fetch.body_size", "By", PrometheusKind.Histogram, "outagealerts_feeds_fetch_body_size_bytes")]
    [InlineData("dotnet.process.cpu.time", "s", PrometheusKind.Counter, "dotnet_process_cpu_time_seconds_total")]
    [InlineData("queue.depth", "{message}", PrometheusKind.Gauge, "queue_depth")]
    [InlineData("staleness_seconds", "s", PrometheusKind.Gauge, "staleness_seconds")]
    [InlineData("requests_total", "", PrometheusKind.Counter, "requests_total")]
    [InlineData("rate", "By/s", PrometheusKind.Gauge, "rate_bytes_per_second")]
    public void FamilyName_OpenTelemetryInstrument_FollowsExporterConvention(string name, string unit, PrometheusKind kind, string expected)
    {
        Assert.Equal(expected, PrometheusNaming.FamilyName(name, unit, kind));
    }
}
