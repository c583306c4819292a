using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OutageAlerts.Feeds.Checking;
using OutageAlerts.Feeds.Tests.Fetching;

namespace OutageAlerts.Feeds.Tests.Checking;

/// <summary>The operator check against a real local server, with the real fetcher and parser.</summary>
public sealed class FeedCheckerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private LocalFeedServer _server = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _server = await LocalFeedServer.StartAsync(app =>
        {
            app.MapGet("/fresh", () => Results.Text(Rss(("a", "Sat, 28 Nov 2026 10:00:00 GMT"), ("b", "Sun, 29 Nov 2026 08:30:00 GMT")), "application/rss+xml"));
            app.MapGet("/stale", () => Results.Text(Rss(("a", "Mon, 02 Mar 2026 10:00:00 GMT")), "application/rss+xml"));
            app.MapGet("/undated", () => Results.Text(Rss(("a", null), ("b", "Sun, 29 Nov 2026 08:30:00 GMT")), "application/rss+xml"));
            app.MapGet("/empty-channel", () => Results.Text(Rss(), "application/rss+xml"));
            app.MapGet("/html", () => Results.Text("<!DOCTYPE html><html><body>Login</body></html>", "text/html"));
            app.MapGet("/busy", (HttpContext context) =>
            {
                context.Response.Headers.RetryAfter = "300";
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            });
        });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OutageAlerts:FeedFetching:MaxRetries"] = "0" }).Build();
        _services = new ServiceCollection().AddLogging().AddFeeds(configuration).AddSingleton<TimeProvider>(new FakeTimeProvider(Now)).BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task CheckAsync_HealthyFeed_ReportsFormatCountAndNewest()
    {
        var result = await CheckAsync("/fresh");

        Assert.Equal(FeedCheckStatus.Ok, result.Status);
        Assert.Equal(200, result.HttpStatus);
        Assert.Equal("rss20", result.Format);
        Assert.Equal(2, result.ItemCount);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 8, 30, 0, TimeSpan.Zero), result.Newest);
        Assert.Empty(result.Problems);
    }

    [Theory]
    [InlineData("/stale", "newest item is 273 days old")]
    [InlineData("/undated", "1 of 2 items have no date")]
    [InlineData("/empty-channel", "no items")]
    public async Task CheckAsync_UsableButOdd_WarnsWithTheReason(string path, string problem)
    {
        var result = await CheckAsync(path);

        Assert.Equal(FeedCheckStatus.Warning, result.Status);
        Assert.Contains(problem, result.Problems);
    }

    [Theory]
    [InlineData("/html", "parse:")]
    [InlineData("/busy", "Retry-After: 300 s")]
    [InlineData("/missing", "404")]
    public async Task CheckAsync_Unusable_IsBrokenWithTheReason(string path, string problem)
    {
        var result = await CheckAsync(path);

        Assert.Equal(FeedCheckStatus.Broken, result.Status);
        Assert.Contains(result.Problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteTable_Results_AlignsColumnsAndShowsEveryFeed()
    {
        var results = new[]
        {
            await CheckAsync("/fresh"),
            FeedChecker.Misconfigured("reliefweb", "https://api.reliefweb.int/v2/reports", ["OutageAlerts:Feeds:1:Url needs an appname"]),
        };
        using var output = new StringWriter();

        FeedChecker.WriteTable(output, results);

        var lines = output.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("FEED", lines[0], StringComparison.Ordinal);
        Assert.Contains("2026-11-29 08:30", lines[1], StringComparison.Ordinal);
        Assert.Contains("BROKEN", lines[2], StringComparison.Ordinal);
        var statusColumn = lines[0].IndexOf("STATUS", StringComparison.Ordinal);
        Assert.Equal("ok", lines[1].Substring(statusColumn, 2));
        Assert.Equal("BROKEN", lines[2].Substring(statusColumn, 6));
    }

    private Task<FeedCheckResult> CheckAsync(string path) =>
        _services.GetRequiredService<FeedChecker>().CheckAsync(path.Trim('/'), _server.Url(path), CancellationToken.None);

    private static string Rss(params (string Id, string? Date)[] items) =>
        "<rss version=\"2.0\"><channel><title>Local</title>"
        + string.Concat(items.Select(i => $"<item><guid>{i.Id}</guid><title>Item {i.Id}</title>{(i.Date is null ? "" : $"<pubDate>{i.Date}</pubDate>")}</item>"))
        + "</channel></rss>";
}
