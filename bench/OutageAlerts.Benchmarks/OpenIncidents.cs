using System.Globalization;
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
/// A temporary SQLite store with open incidents seeded straight into it, one report each, published over the last
/// day, and the services that correlate against it; shared by the correlation benchmarks.
/// </summary>
internal static class OpenIncidents
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

    private static readonly StrikeClassifier Classifier = StrikeClassifier.CreateDefault();

    /// <summary>The store and correlation of a process that has just started: nothing of the store cached yet.</summary>
    public static ServiceProvider Services(DirectoryInfo directory)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OutageAlerts:Store:Provider"] = "Sqlite",
            ["ConnectionStrings:OutageAlerts"] = $"Data Source={Path.Combine(directory.FullName, "store.db")}",
            ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00",
        }).Build();
        return new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(TimeProvider.System)
            .AddStore(configuration)
            .AddIncidents(configuration)
            .BuildServiceProvider();
    }

    /// <summary>
    /// Seeds <paramref name="count"/> incidents in one transaction: correlating that many reports one by one would
    /// itself be quadratic in the open incidents.
    /// </summary>
    public static async Task SeedAsync(IServiceProvider services, int count, DateTimeOffset now)
    {
        var store = services.GetRequiredService<IncidentStore>();
        var spread = TimeSpan.FromHours(24) / count;
        await store.InTransactionAsync(
            async session =>
            {
                for (var i = 0; i < count; i++)
                {
                    var facts = ReportFacts.From(Report(i, now - (spread * i)));
                    var id = string.Create(CultureInfo.InvariantCulture, $"oa-seed-{i:x6}");
                    await session.InsertIncidentAsync(new IncidentRecord
                    {
                        Id = id,
                        Status = IncidentStatus.Open,
                        Country = facts.Country,
                        FirstPublished = facts.Published,
                        LastPublished = facts.Published,
                        LastActivity = now,
                        Version = 0,
                        CreatedAt = now,
                    });
                    await session.InsertReportAsync(id, facts, IncidentOutcome.New, null, now);
                }

                return 0;
            },
            CancellationToken.None);
        Console.WriteLine($"// {count} open incidents seeded");
    }

    /// <summary>Report number <paramref name="n"/>, classified; a new number is a new item key.</summary>
    public static ClassifiedReport Report(int n, DateTimeOffset published)
    {
        var place = Places[n % Places.Length];
        var title = string.Format(CultureInfo.InvariantCulture, Titles[(n / Places.Length) % Titles.Length], place, 1000 + (n % 9000), 10 + (n % 40));
        var key = string.Create(CultureInfo.InvariantCulture, $"bench:{n}");
        var report = new Report(key, title, title + string.Create(CultureInfo.InvariantCulture, $" Report {n}."), published, "bench");
        return new ClassifiedReport("bench", key, key, null, report, Classifier.Classify(report), published);
    }
}
