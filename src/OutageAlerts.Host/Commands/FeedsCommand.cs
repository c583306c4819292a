using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Host.Commands;

/// <summary><c>outage-alerts feeds parse FILE|URL…</c>: DESIGN.md contract 3, one JSON line per input.</summary>
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

        return new Command("feeds", "Feed operator commands.") { parse };
    }

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
            catch (Exception ex) when (ex is not OperationCanceledException)
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

        var feed = parser.Parse(fetched.Body, fetched.ContentType, fetched.Url);
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
