namespace OutageAlerts.Deployment.Tests.Ops;

/// <summary>How the OpenTelemetry Prometheus exporter writes an instrument: counters, gauges or histograms.</summary>
public enum PrometheusKind
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>One instrument a service meter created, as a <c>MeterListener</c> saw it.</summary>
internal sealed record EmittedInstrument(string Meter, string Name, string? Unit, PrometheusKind Kind)
{
    /// <summary>The metric family name on <c>/metrics</c>.</summary>
    public string PrometheusName => PrometheusNaming.FamilyName(Name, Unit, Kind);

    /// <summary>The series names a query can select: histograms expose _bucket, _sum and _count.</summary>
    public IEnumerable<string> SeriesNames => Kind == PrometheusKind.Histogram
        ? [PrometheusName + "_bucket", PrometheusName + "_sum", PrometheusName + "_count"]
        : [PrometheusName];
}
