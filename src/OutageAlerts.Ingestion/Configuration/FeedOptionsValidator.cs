using Microsoft.Extensions.Options;

namespace OutageAlerts.Ingestion.Configuration;

/// <summary>Checks the feed list as a whole, naming the exact configuration key that is wrong.</summary>
internal sealed class FeedListValidator : IValidateOptions<FeedList>
{
    public ValidateOptionsResult Validate(string? name, FeedList options)
    {
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Feeds.Count; i++)
        {
            var feed = options.Feeds[i];
            var key = $"{FeedOptions.SectionName}:{i}";
            if (string.IsNullOrWhiteSpace(feed.Name))
            {
                failures.Add($"{key}:Name is required.");
            }
            else if (!names.Add(feed.Name))
            {
                failures.Add($"{key}:Name '{feed.Name}' is used by another feed; names must be unique.");
            }

            if (feed.ResolvedUrl is null)
            {
                failures.Add($"{key}:Url '{feed.Url}' must be an absolute http, https or file URL.");
            }

            if (feed.Interval < FeedOptions.MinimumInterval)
            {
                failures.Add($"{key}:Interval '{feed.Interval}' must be at least {FeedOptions.MinimumInterval}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The bound feed list; a wrapper so the list can be validated as one options object.</summary>
public sealed class FeedList
{
    public List<FeedOptions> Feeds { get; } = [];
}
