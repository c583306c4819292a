using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;
using OutageAlerts.Feeds.Tests.Fetching;
using Xunit.Abstractions;

namespace OutageAlerts.Feeds.Tests.Parsing;

/// <summary>
/// Runs the parser-neutral expectations of the shared feedparser corpus (those not needing an HTTP server and whose
/// field exists in <see cref="ParsedFeed"/>) and holds the pass rate above a floor.
/// </summary>
public sealed partial class FeedParserConformanceTests(ITestOutputHelper output)
{
    /// <summary>Just under the rate achieved; a drop below it is a regression.</summary>
    private const double PassRateFloor = 0.995;

    private readonly FeedParser _parser = new();

    [ConformanceFact]
    public void Parse_SharedCorpusExpectations_PassRateAboveFloor()
    {
        var root = ConformanceCorpus.Directory!;
        var expectations = ConformanceCorpus.LoadExpectations(root);
        var applicable = expectations.Where(e => !e.NeedsHttp && ResolveField(e.Field) is not null).ToList();
        var failures = new List<string>();
        var cache = new Dictionary<string, (ParsedFeed? Feed, string? Error)>(StringComparer.Ordinal);
        foreach (var expectation in applicable)
        {
            if (!cache.TryGetValue(expectation.File, out var parsed))
            {
                parsed = ParseFile(Path.Combine(root, "tests", expectation.File));
                cache[expectation.File] = parsed;
            }

            var verdict = parsed.Feed is null ? $"parse error: {parsed.Error}" : Check(parsed.Feed, expectation);
            if (verdict is not null)
            {
                failures.Add($"{expectation.File} {expectation.Field}: {verdict}");
            }
        }

        var passed = applicable.Count - failures.Count;
        var rate = applicable.Count == 0 ? 0 : (double)passed / applicable.Count;
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"feedparser conformance: {passed}/{applicable.Count} applicable expectations passed ({rate:P1}); {expectations.Count - applicable.Count} skipped (HTTP or field outside the contract)")
            .AppendJoin(Environment.NewLine, failures)
            .ToString();
        output.WriteLine(report);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "feedparser-conformance.txt"), report);

        Assert.True(applicable.Count > 500, $"Only {applicable.Count} applicable expectations were found.");
        Assert.True(rate >= PassRateFloor, report);
    }

    /// <summary>
    /// The HTTP rows, served by a local Kestrel server with the row's headers and fetched through the real fetcher.
    /// Content-Location rows are served with their header and parsed against <see cref="FetchResult.BaseUri"/>;
    /// Content-Language rows are left out (the feed's language comes from the document only). The corpus's fixed
    /// origin (127.0.0.1:8097) is replaced by the local server's.
    /// </summary>
    [ConformanceFact]
    public async Task Parse_SharedCorpusHttpExpectations_AllPass()
    {
        const string CorpusOrigin = "http://127.0.0.1:8097";
        var root = ConformanceCorpus.Directory!;
        var rows = ConformanceCorpus.LoadExpectations(root)
            .Where(e => e.NeedsHttp && ResolveField(e.Field) is not null && !e.Headers.ContainsKey("Content-Language"))
            .ToList();
        var headersByFile = rows.GroupBy(r => r.File).ToDictionary(g => g.Key, g => g.First().Headers, StringComparer.Ordinal);
        await using var server = await LocalFeedServer.StartAsync(app => app.MapGet("/tests/{**file}", (string file, HttpContext context) =>
        {
            if (!headersByFile.TryGetValue(file, out var headers))
            {
                return Results.NotFound();
            }

            var contentType = headers.GetValueOrDefault("Content-type", "text/xml");
            if (headers.TryGetValue("Content-Location", out var location))
            {
                context.Response.Headers.ContentLocation = location.Replace(CorpusOrigin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.Ordinal);
            }

            return Results.Bytes(File.ReadAllBytes(Path.Combine(root, "tests", file)), contentType);
        }));
        var configuration = new ConfigurationBuilder().Build();
        using var provider = new ServiceCollection().AddLogging().AddFeeds(configuration).BuildServiceProvider();
        var fetcher = provider.GetRequiredService<IFeedFetcher>();
        var origin = server.BaseAddress.GetLeftPart(UriPartial.Authority);

        var failures = new List<string>();
        foreach (var row in rows)
        {
            var fetched = await fetcher.FetchAsync(new FetchRequest(server.Url("/tests/" + row.File)), CancellationToken.None);
            Assert.Equal(FetchStatus.Ok, fetched.Status);
            ParsedFeed feed;
            try
            {
                feed = _parser.Parse(fetched.Body, fetched.ContentType, fetched.BaseUri);
            }
            catch (FeedParseException ex)
            {
                failures.Add($"{row.File}: parse error: {ex.Message}");
                continue;
            }

            var rebased = row with
            {
                Expected = System.Text.Json.JsonSerializer.SerializeToElement(
                    row.Expected.GetString()?.Replace(CorpusOrigin, origin, StringComparison.Ordinal)),
            };
            var verdict = Check(feed, rebased);
            if (verdict is not null)
            {
                failures.Add($"{row.File} {row.Field}: {verdict}");
            }
        }

        output.WriteLine($"HTTP rows: {rows.Count - failures.Count}/{rows.Count} passed");
        failures.ForEach(output.WriteLine);
        Assert.True(rows.Count >= 35, $"Only {rows.Count} HTTP rows were found.");
        Assert.Empty(failures);
    }

    private (ParsedFeed? Feed, string? Error) ParseFile(string path)
    {
        try
        {
            return (_parser.Parse(File.ReadAllBytes(path)), null);
        }
        catch (FeedParseException ex)
        {
            return (null, ex.Message);
        }
    }

    // Returns null when the expectation holds, otherwise what went wrong.
    private static string? Check(ParsedFeed feed, ConformanceExpectation expectation)
    {
        var accessor = ResolveField(expectation.Field)!;
        var (found, actual) = accessor(feed);
        switch (expectation.Kind)
        {
            case "absent":
                return actual is null ? null : $"expected absent, got '{actual}'";
            case "length":
                return actual == expectation.Expected.GetInt32().ToString(CultureInfo.InvariantCulture)
                    ? null
                    : $"expected {expectation.Expected.GetInt32()} items, got {actual}";
        }

        if (!found)
        {
            return "no such item";
        }

        if (expectation.Kind == "datetime")
        {
            return actual == expectation.Expected.GetString() ? null : $"expected {expectation.Expected}, got '{actual}'";
        }

        var candidates = expectation.Kind == "one_of"
            ? expectation.Expected.EnumerateArray().Select(e => e.GetString()).ToList()
            : [expectation.Expected.GetString()];
        return candidates.Any(c => TextMatches(actual, c)) ? null : $"expected '{candidates[0]}', got '{actual}'";
    }

    // The corpus holds feedparser's output, which keeps (sanitised) markup; this parser returns plain text. A value
    // matches when it equals the expectation literally or after stripping tags, decoding entities and collapsing
    // white space, as the corpus README prescribes.
    private static bool TextMatches(string? actual, string? expected)
    {
        var literal = HtmlText.CollapseWhiteSpace(expected);
        var stripped = HtmlText.FromHtml(expected);
        return actual == literal || actual == stripped;
    }

    private static Func<ParsedFeed, (bool Found, string? Value)>? ResolveField(string field)
    {
        switch (field)
        {
            case "feed.title":
                return f => (true, f.Title);
            case "feed.link":
                return f => (true, f.Link);
            case "feed.language":
                return f => (true, f.Language);
            case "entries":
                return f => (true, f.Items.Count.ToString(CultureInfo.InvariantCulture));
        }

        var match = EntryField().Match(field);
        if (!match.Success)
        {
            return null;
        }

        var index = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Func<FeedItem, string?>? select = match.Groups[2].Value switch
        {
            "title" => i => i.Title,
            "link" => i => i.Link,
            "id" => i => i.Id,
            "summary" => i => i.Summary,
            "content[0].value" => i => i.Content,
            "published" => i => Iso(i.Published),
            "updated" => i => Iso(i.Updated),
            "author.name" or "authors[0].name" => i => i.Author,
            "enclosures[0].url" => i => i.Enclosures.Count > 0 ? i.Enclosures[0] : null,
            _ => null,
        };
        return select is null
            ? null
            : f => index < f.Items.Count ? (true, select(f.Items[index])) : (false, null);
    }

    private static string? Iso(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^entries\[(\d+)\]\.(.+)$")]
    private static partial Regex EntryField();
}
