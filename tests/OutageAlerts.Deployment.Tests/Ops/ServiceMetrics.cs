using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OutageAlerts.Host;
using OutageAlerts.Host.Memory;
using OutageAlerts.Host.Messaging;
using OutageAlerts.Host.Telemetry;

namespace OutageAlerts.Deployment.Tests.Ops;

/// <summary>What the service's <c>/metrics</c> serves once every instrument has a measurement.</summary>
/// <param name="Instruments">Every instrument created in the process, as a <see cref="MeterListener"/> saw it.</param>
/// <param name="SeriesNames">Sample names in the scraped Prometheus text (e.g. <c>x_total</c>, <c>y_bucket</c>).</param>
internal sealed record ScrapedMetrics(IReadOnlyList<EmittedInstrument> Instruments, IReadOnlySet<string> SeriesNames);

/// <summary>
/// Runs the host's own telemetry set-up (<see cref="TelemetryServiceCollectionExtensions.AddOutageAlertsTelemetry"/>,
/// the OpenTelemetry Prometheus exporter) on a local Kestrel, brings every meter the service uses into play — our
/// areas' telemetry classes, the host's backlog gauges, a real in-memory MassTransit bus with a failing consumer, an
/// HTTP request through Kestrel and HttpClient — records one measurement on every synchronous instrument and scrapes
/// <c>/metrics</c>.
/// The scraped names are the ones dashboards and alert rules can use.
/// </summary>
internal static class ServiceMetrics
{
    private static readonly Lazy<Task<ScrapedMetrics>> Scraped = new(ScrapeAsync);

    public static Task<ScrapedMetrics> ScrapeOnceAsync() => Scraped.Value;

    private static async Task<ScrapedMetrics> ScrapeAsync()
    {
        var instruments = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                lock (instruments)
                {
                    instruments.Add(instrument);
                }
            },
        };
        listener.Start();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOutageAlertsTelemetry(builder.Configuration, ServiceRoles.All);
        builder.Services.AddSingleton<MemoryTrimMetrics>();
        await using var app = builder.Build();
        app.MapGet("/probe", () => Results.Ok());
        app.MapPrometheusScrapingEndpoint(TelemetryServiceCollectionExtensions.MetricsPath);
        await app.StartAsync();
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
            foreach (var telemetry in new[]
            {
                typeof(OutageAlerts.Feeds.FeedsTelemetry),
                typeof(OutageAlerts.Classification.ClassificationTelemetry),
                typeof(OutageAlerts.Incidents.IncidentsTelemetry),
                typeof(OutageAlerts.Ingestion.IngestionTelemetry),
                typeof(OutageAlerts.Delivery.DeliveryTelemetry),
            })
            {
                RuntimeHelpers.RunClassConstructor(telemetry.TypeHandle);
            }

            // The backlog gauges report what their background monitors last read; give them a reading.
            _ = app.Services.GetRequiredService<MemoryTrimMetrics>();
            var backlog = app.Services.GetRequiredService<BacklogMetrics>();
            backlog.ReportPendingRetries(1);
            backlog.ReportErrorQueueDepths(ErrorQueues.All.ToDictionary(queue => queue, _ => 1L));

            await RunMassTransitOnceAsync();
            using var client = new HttpClient { BaseAddress = address };
            using (var probe = await client.GetAsync(new Uri("/probe", UriKind.Relative)))
            {
                probe.EnsureSuccessStatusCode();
            }

            Instrument[] all;
            lock (instruments)
            {
                all = [.. instruments];
            }

            foreach (var instrument in all)
            {
                RecordOne(instrument);
            }

            var text = await client.GetStringAsync(new Uri(TelemetryServiceCollectionExtensions.MetricsPath, UriKind.Relative));
            var observed = all
                .Select(i => KindOf(i) is { } kind ? new EmittedInstrument(i.Meter.Name, i.Name, i.Unit, kind) : null)
                .OfType<EmittedInstrument>()
                .DistinctBy(i => (i.Meter, i.Name))
                .OrderBy(i => i.Meter, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal)
                .ToList();
            return new ScrapedMetrics(observed, PrometheusText.SeriesNames(text));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    internal static PrometheusKind? KindOf(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>))
        {
            return PrometheusKind.Counter;
        }

        if (definition == typeof(Histogram<>))
        {
            return PrometheusKind.Histogram;
        }

        // Non-monotonic sums and gauges are both gauges on /metrics.
        return definition == typeof(UpDownCounter<>) || definition == typeof(ObservableUpDownCounter<>)
            || definition == typeof(Gauge<>) || definition == typeof(ObservableGauge<>)
            ? PrometheusKind.Gauge
            : null;
    }

    /// <summary>A measurement on a synchronous instrument makes the exporter write its family; observables report themselves.</summary>
    private static void RecordOne(Instrument instrument)
    {
        switch (instrument)
        {
            case Counter<long> c: c.Add(1); break;
            case Counter<int> c: c.Add(1); break;
            case Counter<double> c: c.Add(1); break;
            case UpDownCounter<long> c: c.Add(1); break;
            case UpDownCounter<int> c: c.Add(1); break;
            case UpDownCounter<double> c: c.Add(1); break;
            case Histogram<long> h: h.Record(1); break;
            case Histogram<int> h: h.Record(1); break;
            case Histogram<double> h: h.Record(1); break;
            case Gauge<long> g: g.Record(1); break;
            case Gauge<int> g: g.Record(1); break;
            case Gauge<double> g: g.Record(1); break;
            default: break;
        }
    }

    /// <summary>A bus that consumes one message and faults on another, so that MassTransit's meter is in use.</summary>
    private static async Task RunMassTransitOnceAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Critical));
        services.AddMassTransit(bus =>
        {
            bus.AddConsumer<ProbeConsumer>();
            bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        await using var provider = services.BuildServiceProvider();
        var control = provider.GetRequiredService<IBusControl>();
        await control.StartAsync(TimeSpan.FromSeconds(30));
        try
        {
            await control.Publish(new InstrumentProbe(Fail: false));
            await control.Publish(new InstrumentProbe(Fail: true));
            await ProbeConsumer.WaitForBothAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await control.StopAsync(TimeSpan.FromSeconds(30));
        }
    }
}

/// <summary>The message <see cref="ProbeConsumer"/> takes; public because MassTransit proxies message types.</summary>
public sealed record InstrumentProbe(bool Fail);

/// <summary>Consumes probes; a failing probe throws so that MassTransit's fault counters come into use.</summary>
public sealed class ProbeConsumer : IConsumer<InstrumentProbe>
{
    private static readonly TaskCompletionSource Succeeded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static readonly TaskCompletionSource Failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static Task WaitForBothAsync(TimeSpan timeout) => Task.WhenAll(Succeeded.Task, Failed.Task).WaitAsync(timeout);

    public Task Consume(ConsumeContext<InstrumentProbe> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Message.Fail)
        {
            Failed.TrySetResult();
            throw new InvalidOperationException("The probe fails on purpose.");
        }

        Succeeded.TrySetResult();
        return Task.CompletedTask;
    }
}
