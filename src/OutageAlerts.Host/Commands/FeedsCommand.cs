using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OutageAlerts.Feeds.Checking;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.State;

namespace OutageAlerts.Host.Commands;

/// <summary>
/// <c>outage-alerts feeds parse FILE|URL…</c> (DESIGN.md contract 3, one JSON line per input), <c>feeds check</c>,
/// <c>feeds status</c> and <c>feeds resume NAME</c>.
/// </summary>
internal static class FeedsCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Feed files or http(s)/file URLs.", Arity = ArgumentArity.OneOrMore };
        var parse = new Command("parse", "Parse feeds and print each as one JSON line ({input, format, title, link, language, items} or {input, error}).")
        {
            inputs,
        };
        parse.SetAction(async (result, cancellationToken) =>
        {
            await using var services = new ServiceCollection()
                .AddLogging()
                .AddFeeds(new ConfigurationBuilder().AddEnvironmentVariables().Build())
                .BuildServiceProvider();
            await using var output = new StreamWriter(Console.OpenStandardOutput());
            var failures = await ParseAsync(
                result.GetValue(inputs) ?? [],
                services.GetRequiredService<IFeedFetcher>(),
                services.GetRequiredService<IFeedParser>(),
                output,
                cancellationToken);
            return failures == 0 ? 0 : 1;
        });

        return new Command("feeds", "Feed operator commands.") { parse, CreateCheck(), CreateStatus(), CreateResume() };
    }

    /// <summary>
    /// <c>feeds check</c>: fetches and parses every configured feed now and prints a table; exit code 1 when any
    /// feed is broken (or none is configured). Configuration loads as the service's does.
    /// </summary>
    private static Command CreateCheck()
    {
        var check = new Command(
            "check",
            "Fetch and parse every configured feed (OutageAlerts:Feeds) and print reachability, format, item count, newest item and problems; exit 1 when a feed is broken.");
        check.TreatUnmatchedTokensAsErrors = false;
        check.SetAction(async (result, cancellationToken) =>
        {
            var configuration = LoadConfiguration([.. result.UnmatchedTokens]);
            await using var services = new ServiceCollection()
                .AddLogging()
                .AddFeeds(configuration)
                .BuildServiceProvider();
            var feeds = new FeedList();
            configuration.GetSection(FeedOptions.SectionName).Bind(feeds.Feeds);
            if (feeds.Feeds.Count == 0)
            {
                await Console.Error.WriteLineAsync($"No feeds are configured ({FeedOptions.SectionName}:N).");
                return 1;
            }

            var results = await CheckAsync(feeds, services.GetRequiredService<FeedChecker>(), cancellationToken);
            FeedChecker.WriteTable(Console.Out, results);
            return results.Any(r => r.Status == FeedCheckStatus.Broken) ? 1 : 0;
        });
        return check;
    }

    /// <summary><c>feeds status</c>: what the store remembers of each feed, with the reason for its state.</summary>
    private static Command CreateStatus()
    {
        var status = new Command("status", "Print each polled feed's state from the store (status and reason, failures, next allowed poll).");
        status.TreatUnmatchedTokensAsErrors = false;
        status.SetAction(async (result, cancellationToken) =>
        {
            await using var services = BuildStateServices([.. result.UnmatchedTokens]);
            var states = await services.GetRequiredService<FeedStateAdministration>().ListAsync(cancellationToken);
            await Console.Out.WriteLineAsync($"{"FEED",-24} {"STATUS",-10} {"FAILURES",-8} {"LAST SUCCESS",-17} {"NEXT POLL AFTER",-17} REASON / LAST ERROR");
            foreach (var state in states)
            {
                await Console.Out.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{state.Feed,-24} {state.Status,-10} {state.ConsecutiveFailures,-8} {Short(state.LastSuccess),-17} {Short(state.NextPollAfter),-17} {state.StatusReason ?? state.LastError ?? "-"}"));
            }

            return 0;
        });
        return status;
    }

    /// <summary><c>feeds resume NAME</c>: returns a paused, backing-off or disabled feed to its schedule.</summary>
    private static Command CreateResume()
    {
        var name = new Argument<string>("name") { Description = "The feed's configured Name." };
        var resume = new Command("resume", "Resume a paused, backing-off or disabled (410) feed: it is polled again at its next trigger.") { name };
        resume.TreatUnmatchedTokensAsErrors = false;
        resume.SetAction(async (result, cancellationToken) =>
        {
            await using var services = BuildStateServices([.. result.UnmatchedTokens]);
            var feed = result.GetValue(name)!;
            if (await services.GetRequiredService<FeedStateAdministration>().ResumeAsync(feed, cancellationToken))
            {
                await Console.Out.WriteLineAsync($"Feed {feed} resumed.");
                return 0;
            }

            await Console.Error.WriteLineAsync($"The store has no state for a feed named {feed}; it has never been polled.");
            return 1;
        });
        return resume;
    }

    internal static async Task<IReadOnlyList<FeedCheckResult>> CheckAsync(FeedList feeds, FeedChecker checker, CancellationToken cancellationToken)
    {
        // Configuration problems are per feed (the validator names the index), so one bad entry does not hide the rest.
        var validation = new FeedListValidator().Validate(null, feeds);
        var failures = validation.Failed ? validation.Failures.ToList() : [];
        var results = new FeedCheckResult[feeds.Feeds.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, feeds.Feeds.Count),
            new ParallelOptions { MaxDegreeOfParallelism = CheckParallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var feed = feeds.Feeds[i];
                var key = $"{FeedOptions.SectionName}:{i}:";
                var problems = failures.Where(f => f.StartsWith(key, StringComparison.Ordinal)).ToList();
                var name = string.IsNullOrWhiteSpace(feed.Name) ? $"#{i}" : feed.Name;
                results[i] = problems.Count > 0 || feed.ResolvedUrl is not { } url
                    ? FeedChecker.Misconfigured(name, feed.Url, problems)
                    : await checker.CheckAsync(name, url, token);
            });
        return results;
    }

    // As ServiceHost does: appsettings*.json next to the binary, then environment variables, then arguments.
    private static ConfigurationManager LoadConfiguration(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory }).Configuration;

    private static ServiceProvider BuildStateServices(string[] args) =>
        new ServiceCollection().AddLogging().AddFeedStateAdministration(LoadConfiguration(args)).BuildServiceProvider();

    private static string Short(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";

    private const int CheckParallelism = 8;

    /// <returns>The number of inputs that could not be fetched or parsed.</returns>
    internal static async Task<int> ParseAsync(IEnumerable<string> inputs, IFeedFetcher fetcher, IFeedParser parser, TextWriter output, CancellationToken cancellationToken)
    {
        var failures = 0;
        foreach (var input in inputs)
        {
            object line;
            try
            {
                line = await ParseOneAsync(input, fetcher, parser, cancellationToken);
            }
#pragma warning disable CA1031 // Every input gets its line; one bad input never ends the run.
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                line = new ErrorLine(input, ex.Message);
            }

            failures += line is ErrorLine ? 1 : 0;
            await output.WriteLineAsync(JsonSerializer.Serialize(line, line.GetType(), CliJson.Options));
            await output.FlushAsync(cancellationToken);
        }

        return failures;
    }

    private static async Task<object> ParseOneAsync(string input, IFeedFetcher fetcher, IFeedParser parser, CancellationToken cancellationToken)
    {
        var url = Uri.TryCreate(input, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" or "file"
            ? absolute
            : new Uri(Path.GetFullPath(input));
        var fetched = await fetcher.FetchAsync(new FetchRequest(url), cancellationToken);
        if (fetched.Status != FetchStatus.Ok)
        {
            return new ErrorLine(input, fetched.Error ?? $"fetch failed ({fetched.Status})");
        }

        var feed = parser.Parse(fetched.Body, fetched.ContentType, fetched.BaseUri);
        return new FeedLine(
            input,
            feed.Format,
            feed.Title,
            feed.Link,
            feed.Language,
            [.. feed.Items.Select(i => new ItemLine(i.Id, i.Title, i.Link, i.Summary, i.Content, Iso(i.Published), Iso(i.Updated), i.Author, i.Enclosures))]);
    }

    private static string? Iso(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record ErrorLine(string Input, string Error);

    private sealed record FeedLine(string Input, string Format, string? Title, string? Link, string? Language, IReadOnlyList<ItemLine> Items);

    private sealed record ItemLine(
        string? Id, string? Title, string? Link, string? Summary, string? Content, string? Published, string? Updated, string? Author, IReadOnlyList<string> Enclosures);
}
