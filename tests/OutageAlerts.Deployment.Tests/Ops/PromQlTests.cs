namespace OutageAlerts.Deployment.Tests.Ops;

public sealed class PromQlTests
{
    [Fact]
    public void MetricNames_AggregationWithMatchersAndRange_ReturnsOnlyTheMetric()
    {
        var names = PromQl.MetricNames(
            "sum by (outagealerts_feed_name) (rate(outagealerts_feed_polls_total{outagealerts_poll_outcome=~\"Ok|NotModified\", x=\"a{b}\"}[$__rate_interval]))");

        Assert.Equal(["outagealerts_feed_polls_total"], names);
    }

    [Fact]
    public void MetricNames_BinaryOperatorsOffsetAndVector_ReturnsBothSides()
    {
        var names = PromQl.MetricNames(
            "(sum(increase(a_total[1d])) or vector(0)) == 0 and on () sum(increase(b_bucket[7d] offset 1d)) > 1e3 unless ignoring(le) c");

        Assert.Equal(new HashSet<string>(["a_total", "b_bucket", "c"]), names);
    }

    [Fact]
    public void MetricNames_HistogramQuantileWithGroupLeft_IgnoresLabelLists()
    {
        var names = PromQl.MetricNames(
            "histogram_quantile(0.95, sum by (le, channel) (rate(x_bucket[5m]))) * on (instance) group_left (role) up");

        Assert.Equal(new HashSet<string>(["x_bucket", "up"]), names);
    }

    [Fact]
    public void LabelValuesMetric_GrafanaVariableQuery_ReturnsTheMetric()
    {
        Assert.Equal("outagealerts_feed_polls_total", PromQl.LabelValuesMetric("label_values(outagealerts_feed_polls_total, outagealerts_feed_name)"));
        Assert.Null(PromQl.LabelValuesMetric("label_values(channel)"));
    }
}
