using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Incidents;

namespace OutageAlerts.Benchmarks;

/// <summary>
/// One report through incident correlation (candidates, match, snapshot, store writes in one locked SQLite
/// transaction) with <see cref="OpenIncidents"/> incidents open, all published within the last day: the worst case,
/// where every open incident is a time-window candidate. Each invocation correlates a new report (a new item key),
/// so the "same item again" shortcut never answers.
/// </summary>
[MemoryDiagnoser]
public class CorrelationBenchmarks
{
    private ServiceProvider _services = null!;
    private IIncidentCorrelator _correlator = null!;
    private DirectoryInfo _directory = null!;
    private DateTimeOffset _now;
    private int _next;

    [Params(10_000)]
    public int OpenIncidents { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Directory.CreateTempSubdirectory("outage-alerts-correlation-bench-");
        _services = Benchmarks.OpenIncidents.Services(_directory);
        _correlator = _services.GetRequiredService<IIncidentCorrelator>();
        _now = TimeProvider.System.GetUtcNow();
        await Benchmarks.OpenIncidents.SeedAsync(_services, OpenIncidents, _now);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Benchmark]
    public async Task<IncidentOutcome> CorrelateNewReport()
    {
        var n = Interlocked.Increment(ref _next) + OpenIncidents;
        var decision = await _correlator.CorrelateAsync(Benchmarks.OpenIncidents.Report(n, _now), CancellationToken.None);
        return decision.Outcome;
    }
}

/// <summary>
/// The first report after a restart with <see cref="OpenIncidents"/> incidents open: the same store, but the services
/// are built anew before each invocation, so every candidate's facts are read from the store and parsed, as after a
/// deployment or a crash in the middle of a busy night.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class CorrelationAfterRestartBenchmarks
{
    private ServiceProvider? _services;
    private IIncidentCorrelator _correlator = null!;
    private DirectoryInfo _directory = null!;
    private DateTimeOffset _now;
    private int _next;

    [Params(10_000)]
    public int OpenIncidents { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Directory.CreateTempSubdirectory("outage-alerts-correlation-restart-bench-");
        _now = TimeProvider.System.GetUtcNow();
        await using var services = Benchmarks.OpenIncidents.Services(_directory);
        await Benchmarks.OpenIncidents.SeedAsync(services, OpenIncidents, _now);
    }

    [IterationSetup]
    public void Restart()
    {
        // The store's writer thread stops in DisposeAsync only.
        _services?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _services = Benchmarks.OpenIncidents.Services(_directory);
        _correlator = _services.GetRequiredService<IIncidentCorrelator>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Benchmark]
    public async Task<IncidentOutcome> CorrelateFirstReport()
    {
        var n = Interlocked.Increment(ref _next) + OpenIncidents;
        var decision = await _correlator.CorrelateAsync(Benchmarks.OpenIncidents.Report(n, _now), CancellationToken.None);
        return decision.Outcome;
    }
}
