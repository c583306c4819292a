using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.State;

namespace OutageAlerts.Ingestion.Health;

/// <summary>
/// Degraded when an enabled feed (configured, and not disabled after 410 Gone) has had no successful poll for more
/// than <see cref="FeedHealthOptions.FeedStaleAfterIntervals"/> of its intervals. Degraded, not Unhealthy: the
/// process is still useful (other feeds, deliveries), and taking it out of service would not bring a feed back.
/// A feed never polled successfully counts from when this check was first asked, i.e. about when the process started.
/// </summary>
internal sealed class FeedStalenessHealthCheck : IHealthCheck
{
    private const int MaxNamedFeeds = 10;

    private readonly IngestionStore _store;
    private readonly IOptions<FeedList> _feeds;
    private readonly IOptions<FeedHealthOptions> _options;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _since;

    public FeedStalenessHealthCheck(IngestionStore store, IOptions<FeedList> feeds, IOptions<FeedHealthOptions> options, TimeProvider time)
    {
        _store = store;
        _feeds = feeds;
        _options = options;
        _time = time;
        _since = time.GetUtcNow();
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<FeedState> states;
        try
        {
            states = await _store.ListFeedsAsync(cancellationToken);
        }
#pragma warning disable CA1031 // A health check reports failures; it must not throw them. The store check says why.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Degraded($"feed states could not be read: {ex.GetType().Name}");
        }

        var now = _time.GetUtcNow();
        var factor = _options.Value.FeedStaleAfterIntervals;
        var byName = states.ToDictionary(s => s.Feed, StringComparer.OrdinalIgnoreCase);
        var enabled = 0;
        var stale = new List<string>();
        foreach (var feed in _feeds.Value.Feeds)
        {
            var state = byName.GetValueOrDefault(feed.Name);
            if (state?.Status == FeedStatus.Disabled)
            {
                continue;
            }

            enabled++;
            var interval = feed.Interval < FeedOptions.MinimumInterval ? FeedOptions.MinimumInterval : feed.Interval;
            var since = state?.LastSuccess ?? _since;
            var silent = now - since;
            if (silent > interval * factor)
            {
                stale.Add(string.Create(CultureInfo.InvariantCulture, $"{feed.Name} ({Describe(silent)} without a successful poll, interval {interval})"));
            }
        }

        if (stale.Count == 0)
        {
            return HealthCheckResult.Healthy(string.Create(
                CultureInfo.InvariantCulture, $"{enabled} enabled feed(s) polled successfully within {factor:0.##} intervals"));
        }

        var named = string.Join("; ", stale.Take(MaxNamedFeeds));
        var more = stale.Count > MaxNamedFeeds ? string.Create(CultureInfo.InvariantCulture, $"; and {stale.Count - MaxNamedFeeds} more") : "";
        return HealthCheckResult.Degraded(string.Create(
            CultureInfo.InvariantCulture,
            $"{stale.Count} of {enabled} enabled feed(s) stale (no successful poll for more than {factor:0.##} intervals): {named}{more}"));
    }

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} h")
            : span.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min")
                : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s");
}
