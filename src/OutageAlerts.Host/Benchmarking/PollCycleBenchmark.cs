using System.Net;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>One timed poll cycle: the service's path against raw HttpClient over the same URLs.</summary>
public sealed record PollCycleResult(
    int Feeds,
    int Publishers,
    int Parallelism,
    int Changed,
    int NotModified,
    int Failed,
    double Seconds,
    double RawSeconds,
    double RawUnconditionalSeconds)
{
    public double Ratio => RawSeconds > 0 ? Seconds / RawSeconds : 0;
}

/// <summary>One feed to poll, with the validators the store holds for it.</summary>
internal sealed record PolledFeed(Uri Url, string? ETag, DateTimeOffset? LastModified);

/// <summary>
/// Times polling every feed once. The service's path is the running service's own <see cref="IFeedFetcher"/> (its
/// resilience pipeline, per-host limit and telemetry) with the validators its store kept, and the parser for every
/// body that came back. The baselines are a plain HttpClient sending the same conditional headers and reading the
/// same bodies, and the same client without validators. All three run with the same parallelism; the median of a
/// few rounds is kept, as one round takes about a second and a shared machine is noisy.
/// </summary>
internal static class PollCycleBenchmark
{
    /// <summary>Quartz's default thread pool: how many feeds the service polls at once.</summary>
    public const int Parallelism = 10;

    public const int Rounds = 5;

    public static async Task<PollCycleResult> RunAsync(
        IReadOnlyList<PolledFeed> feeds,
        int publishers,
        int changed,
        IFeedFetcher fetcher,
        IFeedParser parser,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, UseCookies = false };
        using var raw = new HttpClient(handler) { Timeout = RawTimeout };

        // Opens the raw client's connections; the service's are open since its own first poll.
        await TimeAsync(feeds, f => RawGetAsync(raw, f, conditional: false, cancellationToken), time, cancellationToken);

        var service = new List<double>();
        var conditional = new List<double>();
        var unconditional = new List<double>();
        var notModified = 0;
        var failed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var outcomes = new FetchStatus[feeds.Count];
            service.Add(await TimeAsync(
                feeds,
                async f =>
                {
                    var result = await fetcher.FetchAsync(new FetchRequest(f.Url, f.ETag, f.LastModified), cancellationToken);
                    if (result.Status == FetchStatus.Ok)
                    {
                        _ = parser.Parse(result.Body, result.ContentType, result.BaseUri);
                    }

                    return result.Status;
                },
                time,
                cancellationToken,
                outcomes));
            notModified = outcomes.Count(o => o == FetchStatus.NotModified);
            failed = outcomes.Count(o => o is FetchStatus.Failed or FetchStatus.Gone);
            conditional.Add(await TimeAsync(feeds, f => RawGetAsync(raw, f, conditional: true, cancellationToken), time, cancellationToken));
            unconditional.Add(await TimeAsync(feeds, f => RawGetAsync(raw, f, conditional: false, cancellationToken), time, cancellationToken));
        }

        return new PollCycleResult(
            feeds.Count, publishers, Parallelism, changed, notModified, failed, Median(service), Median(conditional), Median(unconditional));
    }

    private static async Task<double> TimeAsync(
        IReadOnlyList<PolledFeed> feeds,
        Func<PolledFeed, Task<FetchStatus>> poll,
        TimeProvider time,
        CancellationToken cancellationToken,
        FetchStatus[]? outcomes = null)
    {
        var started = time.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, feeds.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, _) =>
            {
                var status = await poll(feeds[i]);
                if (outcomes is not null)
                {
                    outcomes[i] = status;
                }
            });
        return time.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task<FetchStatus> RawGetAsync(HttpClient client, PolledFeed feed, bool conditional, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, feed.Url);
        if (conditional && feed.ETag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", feed.ETag);
        }

        if (conditional && feed.LastModified is { } lastModified)
        {
            request.Headers.IfModifiedSince = lastModified;
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        _ = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.NotModified => FetchStatus.NotModified,
            HttpStatusCode.OK => FetchStatus.Ok,
            _ => FetchStatus.Failed,
        };
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static readonly TimeSpan RawTimeout = TimeSpan.FromSeconds(30);
}
