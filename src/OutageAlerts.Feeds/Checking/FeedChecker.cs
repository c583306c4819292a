using System.Globalization;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Feeds.Checking;

/// <summary>How a feed looks right now, for <c>outage-alerts feeds check</c>.</summary>
public sealed record FeedCheckResult
{
    public required string Name { get; init; }
    public required string Url { get; init; }
    public FeedCheckStatus Status { get; init; }
    public int? HttpStatus { get; init; }
    public string? Format { get; init; }
    public int? ItemCount { get; init; }
    public DateTimeOffset? Newest { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];
}

public enum FeedCheckStatus
{
    /// <summary>Reachable, parsed, nothing odd.</summary>
    Ok,

    /// <summary>Usable, but something deserves a look (no items, stale, items without dates…).</summary>
    Warning,

    /// <summary>Cannot be polled: bad configuration, unreachable, gone or unparseable.</summary>
    Broken,
}

/// <summary>Fetches and parses one feed unconditionally and says what an operator should know about it.</summary>
public sealed class FeedChecker(IFeedFetcher fetcher, IFeedParser parser, TimeProvider timeProvider)
{
    /// <summary>A feed whose newest item is older than this is probably no longer updated.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(30);

    public async Task<FeedCheckResult> CheckAsync(string name, Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var fetched = await fetcher.FetchAsync(new FetchRequest(url), cancellationToken);
        var result = new FeedCheckResult { Name = name, Url = url.ToString(), HttpStatus = fetched.HttpStatus };
        if (fetched.Status != FetchStatus.Ok)
        {
            var problem = fetched.Error ?? $"fetch failed ({fetched.Status})";
            if (fetched.RetryAfter is { } retryAfter)
            {
                problem += string.Create(CultureInfo.InvariantCulture, $" Retry-After: {retryAfter.TotalSeconds:0} s.");
            }

            return result with { Status = FeedCheckStatus.Broken, Problems = [problem] };
        }

        ParsedFeed feed;
        try
        {
            feed = parser.Parse(fetched.Body, fetched.ContentType, fetched.BaseUri);
        }
        catch (FeedParseException ex)
        {
            return result with { Status = FeedCheckStatus.Broken, Problems = ["parse: " + ex.Message] };
        }

        var problems = new List<string>();
        var items = feed.Items;
        var dates = items.Select(i => i.Published ?? i.Updated).OfType<DateTimeOffset>().ToList();
        DateTimeOffset? newest = dates.Count > 0 ? dates.Max() : null;
        if (items.Count == 0)
        {
            problems.Add("no items");
        }
        else
        {
            AddCount(problems, items.Count, items.Count(i => i.Published is null && i.Updated is null), "no date");
            AddCount(problems, items.Count, items.Count(i => i.Title is null && i.Summary is null), "no title or text");
            AddCount(problems, items.Count, items.Count(i => i.Id is null && i.Link is null), "no id or link (identified by a content hash)");
            var age = newest is { } n ? timeProvider.GetUtcNow() - n : (TimeSpan?)null;
            if (age > StaleAfter)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"newest item is {age.Value.TotalDays:0} days old"));
            }
        }

        return result with
        {
            Status = problems.Count == 0 ? FeedCheckStatus.Ok : FeedCheckStatus.Warning,
            Format = feed.Format,
            ItemCount = items.Count,
            Newest = newest,
            Problems = problems,
        };
    }

    /// <summary>A feed whose configuration is wrong is broken without being fetched.</summary>
    public static FeedCheckResult Misconfigured(string name, string url, IEnumerable<string> problems) =>
        new() { Name = name, Url = url, Status = FeedCheckStatus.Broken, Problems = [.. problems] };

    /// <summary>Writes the results as an aligned plain-text table, one feed per line.</summary>
    public static void WriteTable(TextWriter output, IReadOnlyList<FeedCheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(results);
        string[] header = ["FEED", "STATUS", "HTTP", "FORMAT", "ITEMS", "NEWEST (UTC)", "PROBLEMS"];
        var rows = results.Select(r => new[]
        {
            r.Name,
            r.Status switch { FeedCheckStatus.Ok => "ok", FeedCheckStatus.Warning => "warning", _ => "BROKEN" },
            r.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? "-",
            r.Format ?? "-",
            r.ItemCount?.ToString(CultureInfo.InvariantCulture) ?? "-",
            r.Newest?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-",
            r.Problems.Count == 0 ? "-" : string.Join("; ", r.Problems.Select(OneLine)),
        }).ToList();
        var widths = Enumerable.Range(0, header.Length - 1)
            .Select(c => rows.Select(r => r[c].Length).Append(header[c].Length).Max())
            .ToArray();
        WriteRow(output, header, widths);
        foreach (var row in rows)
        {
            WriteRow(output, row, widths);
        }
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        for (var c = 0; c < widths.Length; c++)
        {
            output.Write(cells[c].PadRight(widths[c] + 2));
        }

        output.WriteLine(cells[^1]);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static void AddCount(List<string> problems, int total, int count, string what)
    {
        if (count > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{count} of {total} items have {what}"));
        }
    }
}
