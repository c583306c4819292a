using Microsoft.Extensions.Options;

namespace OutageAlerts.Ingestion.Configuration;

/// <summary>Checks the feed list as a whole, naming the exact configuration key that is wrong.</summary>
public sealed class FeedListValidator : IValidateOptions<FeedList>
{
    private const string ReliefWebApiHost = "api.reliefweb.int";
    private const string ReliefWebAppNameParameter = "appname";
    private const string ReliefWebAppNameDocs = "https://apidoc.reliefweb.int/parameters#appname";

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

            if (feed.ResolvedUrl is not { } url)
            {
                failures.Add($"{key}:Url '{feed.Url}' must be an absolute http, https or file URL.");
            }
            else if (IsReliefWebApi(url) && !HasQueryParameter(url, ReliefWebAppNameParameter))
            {
                failures.Add(
                    $"{key}:Url '{feed.Url}' calls the ReliefWeb API without an appname: the API refuses requests without a " +
                    $"pre-approved appname (request one at {ReliefWebAppNameDocs}) and it must be in the URL as ?appname=<approved name>.");
            }

            if (feed.Interval < FeedOptions.MinimumInterval)
            {
                failures.Add($"{key}:Interval '{feed.Interval}' must be at least {FeedOptions.MinimumInterval}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsReliefWebApi(Uri url) =>
        url.Scheme != Uri.UriSchemeFile && url.Host.Equals(ReliefWebApiHost, StringComparison.OrdinalIgnoreCase);

    private static bool HasQueryParameter(Uri url, string name) =>
        url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Any(p => Uri.UnescapeDataString(p[0]).Equals(name, StringComparison.OrdinalIgnoreCase)
                && p.Length == 2 && !string.IsNullOrWhiteSpace(Uri.UnescapeDataString(p[1])));
}

/// <summary>The bound feed list; a wrapper so the list can be validated as one options object.</summary>
public sealed class FeedList
{
    public List<FeedOptions> Feeds { get; } = [];
}
