using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OutageAlerts.Classification;
using OutageAlerts.Incidents;
using OutageAlerts.Incidents.Correlation;
using OutageAlerts.Incidents.Persistence;
using OutageAlerts.Storage;

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
    private static readonly string[] Places =
    [
        "Kharkiv", "Sumy", "Odesa", "Dnipro", "Zaporizhzhia", "Kherson", "Mykolaiv", "Poltava", "Chernihiv", "Kyiv", "Lviv",
        "Kramatorsk", "Nikopol", "Vinnytsia", "Zhytomyr", "Cherkasy", "Rivne", "Lutsk", "Gaza", "Khartoum", "Aleppo", "Beirut",
    ];

    private static readonly string[] Titles =
    [
        "Drone strike on {0} substation cuts power to {1} households",
        "Missile hits {0} thermal power plant, {1} families without heating",
        "Shelling damages water pumping station in {0}; {1} residents without water",
        "Strike on {0} hospital injures {2} people",
    ];

    private readonly StrikeClassifier _classifier = StrikeClassifier.CreateDefault();
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
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OutageAlerts:Store:Provider"] = "Sqlite",
            ["ConnectionStrings:OutageAlerts"] = $"Data Source={Path.Combine(_directory.FullName, "store.db")}",
            ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00",
        }).Build();
        _services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(TimeProvider.System)
            .AddStore(configuration)
            .AddIncidents(configuration)
            .BuildServiceProvider();
        _correlator = _services.GetRequiredService<IIncidentCorrelator>();
        _now = TimeProvider.System.GetUtcNow();

        // Seeded straight into the store, one incident per report: correlating 10,000 reports one by one would
        // itself be quadratic in the open incidents.
        var store = _services.GetRequiredService<IncidentStore>();
        var spread = TimeSpan.FromHours(24) / OpenIncidents;
        await store.InTransactionAsync(
            async session =>
            {
                for (var i = 0; i < OpenIncidents; i++)
                {
                    var report = Classified(i, _now - (spread * i));
                    var facts = ReportFacts.From(report);
                    var id = string.Create(CultureInfo.InvariantCulture, $"oa-seed-{i:x6}");
                    await session.InsertIncidentAsync(new IncidentRecord
                    {
                        Id = id,
                        Status = IncidentStatus.Open,
                        Country = facts.Country,
                        FirstPublished = facts.Published,
                        LastPublished = facts.Published,
                        LastActivity = _now,
                        Version = 0,
                        CreatedAt = _now,
                    });
                    await session.InsertReportAsync(id, facts, IncidentOutcome.New, null, _now);
                }

                return 0;
            },
            CancellationToken.None);
        Console.WriteLine($"// {OpenIncidents} open incidents seeded");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Benchmark]
    public async Task<IncidentOutcome> CorrelateNewReport()
    {
        var n = Interlocked.Increment(ref _next) + OpenIncidents;
        var decision = await _correlator.CorrelateAsync(Classified(n, _now), CancellationToken.None);
        return decision.Outcome;
    }

    private ClassifiedReport Classified(int n, DateTimeOffset published)
    {
        var place = Places[n % Places.Length];
        var title = string.Format(CultureInfo.InvariantCulture, Titles[(n / Places.Length) % Titles.Length], place, 1000 + (n % 9000), 10 + (n % 40));
        var key = string.Create(CultureInfo.InvariantCulture, $"bench:{n}");
        var report = new Report(key, title, title + string.Create(CultureInfo.InvariantCulture, $" Report {n}."), published, "bench");
        return new ClassifiedReport("bench", key, key, null, report, _classifier.Classify(report), published);
    }
}
