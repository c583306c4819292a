using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>A bare Kestrel server on loopback addresses with ephemeral ports, for the harness's feeds and receivers.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    /// <summary>
    /// The name the harness's servers report their requests' spans, metrics and diagnostics under: outside every name the
    /// service's telemetry listens to (<c>OutageAlerts.*</c> among them).
    /// </summary>
    internal const string TelemetryName = "BenchHarness.Loopback";

    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        Addresses = addresses;
    }

    /// <summary>The server's services (its configuration, for a test).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>The bound base addresses (ending in '/'), in no particular order.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    public static async Task<LoopbackServer> StartAsync(IEnumerable<string> hosts, RequestDelegate handler)
    {
        // An empty builder: no configuration files, so nothing is watched. The slim builder's appsettings.json sources
        // watched the working directory and every folder under it, three servers over; the harness's store lives in
        // the temporary folder, so with the run started there every page the store's writer wrote raised file events
        // in the kernel and woke the watcher thread (a quarter of the writer's samples, 8 % of the process's).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // The service's tracer and meters listen to ASP.NET Core's sources by name, process-wide. Under their own names
        // the harness's servers stand outside the measured service, as a real feed host or webhook receiver does:
        // under ASP.NET Core's, each request started a span, fed the service's HTTP metrics and its instrumentation's
        // diagnostic events (perf, session 18: 1.9 % of the process's samples in the hosting layer's span alone).
        // The web host adds ASP.NET Core's own only where none is registered.
        builder.Services.AddSingleton(new ActivitySource(TelemetryName));
        builder.Services.AddSingleton(new DiagnosticListener(TelemetryName));
        builder.Services.AddSingleton<DiagnosticSource>(sp => sp.GetRequiredService<DiagnosticListener>());
        builder.Services.AddSingleton<IMeterFactory, RenamingMeterFactory>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.AddServerHeader = false).UseUrls([.. hosts.Select(h => $"http://{h}:0")]);
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.EndsWith('/') ? a : a + "/"))
            .ToList();
        return new LoopbackServer(app, addresses);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Meters of the harness's servers, named apart from the service's (ASP.NET Core's and Kestrel's names).</summary>
    private sealed class RenamingMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions($"{TelemetryName}.{options.Name}")
            {
                Version = options.Version,
                Tags = options.Tags,
                Scope = this,
            });
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (_meters)
            {
                _meters.ForEach(m => m.Dispose());
                _meters.Clear();
            }
        }
    }
}
