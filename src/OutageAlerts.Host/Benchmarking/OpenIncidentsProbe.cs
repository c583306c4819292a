using System.Globalization;
using OutageAlerts.Classification;
using OutageAlerts.Incidents;
using OutageAlerts.Incidents.Correlation;
using OutageAlerts.Incidents.Persistence;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>The service with many incidents open at once, before its resident memory is read.</summary>
/// <param name="Seeded">Open incidents put into the service's store, one report each, published over the last day.</param>
/// <param name="SeedSeconds">Classifying their reports and storing them, in one transaction.</param>
/// <param name="Probes">New strike reports then released through the feeds, published now: every open incident is
/// a candidate for each of them, so correlation reads them all (and keeps their facts, as the service does).</param>
/// <param name="ProbesDelivered">Probe reports whose alert reached the webhook receiver.</param>
/// <param name="ProbeFetchToWebhookMs">Each probe's fetch-to-webhook time, in the order released, one after the other:
/// the first reads the seeded reports' facts from the store (as after a restart), the next ones from the correlator's cache.</param>
public sealed record OpenIncidentsSummary(
    int Seeded, double SeedSeconds, int Probes, int ProbesDelivered, IReadOnlyList<double> ProbeFetchToWebhookMs);

/// <summary>
/// Seeds open incidents straight into the running service's store (correlating them one by one would itself be
/// quadratic in their number) and then sends a few reports through the whole pipeline, so that the memory figure is
/// the one of a service watching that many incidents (issue 10: "resident memory with 1,000 feeds and 10,000 open
/// incidents"). The seeded incidents lie in other countries than the probes' places, so no probe joins one and each
/// probe's alert is its own.
/// </summary>
internal static class OpenIncidentsProbe
{
    /// <summary>Reports sent through the pipeline once the incidents are open.</summary>
    public const int Probes = 3;

    /// <summary>
    /// Strike numbers between one probe and the next: seven places on in <see cref="BenchItems"/>' list, where
    /// neighbours may share a region (Kramatorsk and Sloviansk, Izium and Kharkiv), and one template on (a full round
    /// of 26 places). Probes published together in one region were one incident to the correlator; so were probes
    /// of one template, worded alike but for the town, whatever their regions ("copy of a report"). The second
    /// probe then raised no alert of its own, and the run lost it.
    /// </summary>
    public const int ProbeStride = 26 + 7;

    private static readonly TimeSpan SeedSpread = TimeSpan.FromHours(24);

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    // Places the gazetteer resolves to countries the probes (Ukrainian places) never share.
    private static readonly string[] Places =
    [
        "Khartoum", "Port Sudan", "Kassala", "Gedaref", "Sennar", "Merowe", "Aleppo", "Homs", "Idlib", "Latakia", "Damascus", "Beirut",
    ];

    // {0} place, {1} households, {2} wounded.
    private static readonly string[] Titles =
    [
        "Drone attack on the {0} power station leaves {1} households in the dark",
        "Shells land on the water works in {0}; {1} homes have no running water",
        "Air raid on a {0} clinic wounds {2}",
        "Rocket fire hits the {0} bus depot, {2} hurt",
    ];

    /// <summary>The probe reports, published <paramref name="now"/>, from strike report number <paramref name="first"/> on.</summary>
    public static IReadOnlyList<BenchItem> ProbeItems(string run, int first, DateTimeOffset now) =>
        [.. Enumerable.Range(0, Probes).Select(i => BenchItems.Strike(run, first + (i * ProbeStride), now) with { Published = now })];

    public static async Task<OpenIncidentsSummary> RunAsync(
        IServiceProvider services,
        AlertFeedServer feeds,
        WebhookReceiver receiver,
        string run,
        int count,
        IReadOnlyList<BenchItem> probes,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var classifier = services.GetRequiredService<IStrikeClassifier>();
        var store = services.GetRequiredService<IncidentStore>();
        var now = time.GetUtcNow();
        var started = time.GetTimestamp();
        var spread = SeedSpread / count;
        var seeds = new List<(string Id, ReportFacts Facts)>(count);
        for (var i = 0; i < count; i++)
        {
            seeds.Add((string.Create(CultureInfo.InvariantCulture, $"oa-seed-{run}-{i:x6}"), ReportFacts.From(Seed(classifier, run, i, now - (spread * i)))));
        }

        await store.InTransactionAsync(
            async session =>
            {
                foreach (var (id, facts) in seeds)
                {
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

                return seeds.Count;
            },
            cancellationToken);
        var seedSeconds = time.GetElapsedTime(started).TotalSeconds;

        // One after another: the first finds none of the seeded reports' facts in the correlator's cache (they were
        // stored, not correlated, as after a restart), the next ones find them all.
        var delivered = 0;
        foreach (var probe in probes)
        {
            feeds.Release([probe], AlertFeedGroup.Burst);
            delivered += await receiver.WaitForAsync([probe.Id], ProbeTimeout, cancellationToken);
        }

        var latencies = probes.Select(p => p.Id)
            .Select(id => (Served: feeds.FirstServed(id), Arrival: receiver.Arrival(id)))
            .Where(x => x.Served is not null && x.Arrival is not null)
            .Select(x => Math.Round(time.GetElapsedTime(x.Served!.Value, x.Arrival!.At).TotalMilliseconds, 1))
            .ToList();
        return new OpenIncidentsSummary(count, Math.Round(seedSeconds, 2), probes.Count, delivered, latencies);
    }

    private static ClassifiedReport Seed(IStrikeClassifier classifier, string run, int n, DateTimeOffset published)
    {
        var place = Places[n % Places.Length];
        var title = string.Format(
            CultureInfo.InvariantCulture, Titles[n / Places.Length % Titles.Length], place, 200 + (n % 5000), 2 + (n % 30));
        var key = string.Create(CultureInfo.InvariantCulture, $"bench-seed-{run}-{n}");
        var report = new Report(key, title, title + string.Create(CultureInfo.InvariantCulture, $" Local report {n}."), published, "en", "bench");
        return new ClassifiedReport("bench-seed", key, key, null, report, classifier.Classify(report), published);
    }
}
