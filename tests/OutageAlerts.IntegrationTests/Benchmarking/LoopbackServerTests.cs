using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using OutageAlerts.Host;
using OutageAlerts.Host.Benchmarking;
using OutageAlerts.Host.Telemetry;

namespace OutageAlerts.IntegrationTests.Benchmarking;

public sealed class LoopbackServerTests
{
    [Fact]
    public async Task StartAsync_FromAnyWorkingDirectory_ServesWithoutWatchingConfigurationFiles()
    {
        // Regression (issue 10): the harness's servers read appsettings.json from the working directory and watched it
        // and every folder under it; run from the temporary folder, each page the store wrote woke three watchers.
        await using var server = await LoopbackServer.StartAsync(["127.0.0.1"], context => context.Response.WriteAsync("served"));
        using var client = new HttpClient();

        Assert.Equal("served", await client.GetStringAsync(server.Addresses[0]));
        var configuration = (IConfigurationRoot)server.Services.GetRequiredService<IConfiguration>();
        Assert.DoesNotContain(configuration.Providers, p => p is FileConfigurationProvider);
    }

    [Fact]
    public async Task StartAsync_RequestServed_TracedAndMeteredApartFromTheService()
    {
        // Regression (issue 10): the service's tracer and meters listen to ASP.NET Core's names process-wide, so every
        // request to the harness's feed servers and receiver started a span and fed metrics as if it were the service's.
        // With the service's own telemetry running in this process, a request to a harness server starts no span.
        var settings = new ConfigurationBuilder().AddInMemoryCollection([]).Build();
        await using var telemetry = new ServiceCollection()
            .AddLogging()
            .AddOutageAlertsTelemetry(settings, ServiceRoles.All)
            .BuildServiceProvider();
        _ = telemetry.GetRequiredService<TracerProvider>();
        string? servedUnder = "not served";
        await using var server = await LoopbackServer.StartAsync(["127.0.0.1"], context =>
        {
            servedUnder = Activity.Current?.Source.Name;
            return context.Response.WriteAsync("served");
        });
        var factory = server.Services.GetRequiredService<IMeterFactory>();
        var meters = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    lock (meters)
                    {
                        meters.Add(instrument.Meter.Name);
                    }
                }
            },
        };
        listener.Start();
        using var client = new HttpClient();

        Assert.Equal("served", await client.GetStringAsync(server.Addresses[0]));

        Assert.Null(servedUnder);
        lock (meters)
        {
            Assert.NotEmpty(meters);
            Assert.All(meters, name => Assert.StartsWith(LoopbackServer.TelemetryName + ".", name, StringComparison.Ordinal));
        }
    }
}
