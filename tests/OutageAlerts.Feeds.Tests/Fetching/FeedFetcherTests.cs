using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Feeds.Fetching;

namespace OutageAlerts.Feeds.Tests.Fetching;

public sealed class FeedFetcherTests : IAsyncLifetime
{
    private const string FeedBody = "<rss version=\"2.0\"><channel><title>Local</title></channel></rss>";
    private const string ETag = "\"v1\"";
    private static readonly DateTimeOffset LastModified = new(2024, 3, 22, 10, 0, 0, TimeSpan.Zero);

    private LocalFeedServer _server = null!;
    private int _flakyCalls;
    private int _inFlight;
    private int _maxInFlight;

    public async Task InitializeAsync() => _server = await LocalFeedServer.StartAsync(MapRoutes);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task FetchAsync_Ok_ReturnsBodyAndValidators()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/feed")), CancellationToken.None);

        Assert.Equal(FetchStatus.Ok, result.Status);
        Assert.Equal(200, result.HttpStatus);
        Assert.Equal(FeedBody, Encoding.UTF8.GetString(result.Body.Span));
        Assert.Equal(ETag, result.ETag);
        Assert.Equal(LastModified, result.LastModified);
        Assert.StartsWith("application/rss+xml", result.ContentType, StringComparison.Ordinal);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task FetchAsync_ValidatorsMatch_ReturnsNotModified()
    {
        var request = new FetchRequest(_server.Url("/feed"), ETag, LastModified);

        var result = await CreateFetcher().FetchAsync(request, CancellationToken.None);

        Assert.Equal(FetchStatus.NotModified, result.Status);
        Assert.Equal(304, result.HttpStatus);
        Assert.True(result.Body.IsEmpty);
        var seen = Assert.Single(_server.Requests, r => r.Path == "/feed");
        Assert.Equal(ETag, seen.IfNoneMatch);
        Assert.False(string.IsNullOrEmpty(seen.IfModifiedSince));
    }

    [Fact]
    public async Task FetchAsync_Request_SendsProductUserAgent()
    {
        await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/feed")), CancellationToken.None);

        Assert.Contains("OutageAlerts", Assert.Single(_server.Requests).UserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_TwoRequests_EachSendsUserAgentAndFeedFormatsOnce()
    {
        // Regression (issue 10): the headers moved from the client's defaults, set for every client the factory made,
        // to each request; a client reused, or both in place, must not send them twice.
        var fetcher = CreateFetcher();

        await fetcher.FetchAsync(new FetchRequest(_server.Url("/feed")), CancellationToken.None);
        await fetcher.FetchAsync(new FetchRequest(_server.Url("/feed")), CancellationToken.None);

        Assert.Equal(2, _server.Requests.Count);
        Assert.All(_server.Requests, r =>
        {
            Assert.Equal(FeedsOptions.DefaultUserAgent, r.UserAgent);
            Assert.Equal(FeedFetcher.AcceptHeader, r.Accept);
        });
    }

    [Fact]
    public async Task FetchAsync_410_ReturnsGone()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/gone")), CancellationToken.None);

        Assert.Equal(FetchStatus.Gone, result.Status);
        Assert.Equal(410, result.HttpStatus);
    }

    [Fact]
    public async Task FetchAsync_429WithRetryAfter_FailsWithRetryAfterAndDoesNotRetry()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/busy")), CancellationToken.None);

        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Equal(429, result.HttpStatus);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
        Assert.Equal(1, _server.HitCount("/busy"));
    }

    [Fact]
    public async Task FetchAsync_503WithRetryAfterDate_FailsWithRetryAfter()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/maintenance")), CancellationToken.None);

        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Equal(503, result.HttpStatus);
        Assert.NotNull(result.RetryAfter);
        Assert.True(result.RetryAfter > TimeSpan.FromMinutes(30), $"RetryAfter was {result.RetryAfter}.");
    }

    [Theory]
    [InlineData("/big-chunked")]
    [InlineData("/big-declared")]
    public async Task FetchAsync_BodyOverCap_FailsWithClearError(string path)
    {
        var result = await CreateFetcher(("MaxBodyBytes", "1024")).FetchAsync(new FetchRequest(_server.Url(path)), CancellationToken.None);

        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Contains("larger than the 1024 bytes", result.Error, StringComparison.Ordinal);
        Assert.True(result.Body.IsEmpty);
    }

    [Fact]
    public async Task FetchAsync_500ThenSuccess_RetriesAndSucceeds()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/flaky")), CancellationToken.None);

        Assert.Equal(FetchStatus.Ok, result.Status);
        Assert.Equal(FeedBody, Encoding.UTF8.GetString(result.Body.Span));
        Assert.Equal(2, _server.HitCount("/flaky"));
    }

    [Fact]
    public async Task FetchAsync_404_FailsWithoutRetry()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/missing")), CancellationToken.None);

        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Equal(404, result.HttpStatus);
        Assert.Contains("404", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, _server.HitCount("/missing"));
    }

    [Fact]
    public async Task FetchAsync_PersistentServerError_FailsAfterRetries()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/broken")), CancellationToken.None);

        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Equal(500, result.HttpStatus);
        Assert.Equal(3, _server.HitCount("/broken"));
    }

    [Fact]
    public async Task FetchAsync_Redirect_FollowsAndReportsFinalUrl()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/moved")), CancellationToken.None);

        Assert.Equal(FetchStatus.Ok, result.Status);
        Assert.Equal("/feed", result.Url.AbsolutePath);
    }

    [Fact]
    public async Task FetchAsync_RedirectLoop_FailsInsteadOfLooping()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/loop")), CancellationToken.None);

        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.True(_server.HitCount("/loop") <= 6, $"{_server.HitCount("/loop")} requests were made.");
    }

    [Fact]
    public async Task FetchAsync_ConnectionRefused_FailsWithoutThrowing()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await CreateFetcher(("MaxRetries", "0")).FetchAsync(new FetchRequest(new Uri($"http://127.0.0.1:{port}/feed")), CancellationToken.None);

        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Fact]
    public async Task FetchAsync_ServerTooSlow_FailsWithTimeout()
    {
        var fetcher = CreateFetcher(("Timeout", "00:00:01"), ("AttemptTimeout", "00:00:00.300"), ("MaxRetries", "0"));

        var result = await fetcher.FetchAsync(new FetchRequest(_server.Url("/slow")), CancellationToken.None);

        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Contains("Timed out", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_CallerCancels_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var fetch = CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/slow")), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch);
    }

    [Fact]
    public async Task FetchAsync_ContentLocation_IsResolvedAndBecomesTheBaseUri()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/located")), CancellationToken.None);

        Assert.Equal(FetchStatus.Ok, result.Status);
        Assert.Equal(_server.Url("/archive/feed.xml"), result.ContentLocation);
        Assert.Equal(result.ContentLocation, result.BaseUri);
    }

    [Fact]
    public async Task FetchAsync_NoContentLocation_BaseUriIsTheFetchedUrl()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(_server.Url("/moved")), CancellationToken.None);

        Assert.Null(result.ContentLocation);
        Assert.Equal(result.Url, result.BaseUri);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task FetchAsync_ManyFeedsOnOneHost_NeverMoreInFlightThanTheLimit(int limit)
    {
        var fetcher = CreateFetcher(("MaxConcurrentFetchesPerHost", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var results = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(i => fetcher.FetchAsync(new FetchRequest(_server.Url($"/counted?feed={i}")), CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(FetchStatus.Ok, r.Status));
        Assert.Equal(6, _server.HitCount("/counted"));
        Assert.InRange(Volatile.Read(ref _maxInFlight), 1, limit);
    }

    [Fact]
    public async Task FetchAsync_ClaimRefused_SendsNothingAndReturnsAbandoned()
    {
        var asked = 0;
        var request = new FetchRequest(_server.Url("/counted?feed=claimed"), Claim: _ =>
        {
            Interlocked.Increment(ref asked);
            return Task.FromResult(false);
        });

        var result = await CreateFetcher().FetchAsync(request, CancellationToken.None);

        Assert.Equal(FetchStatus.Abandoned, result.Status);
        Assert.Equal(1, asked);
        Assert.Equal(0, _server.HitCount("/counted"));
    }

    [Fact]
    public async Task FetchAsync_ClaimWhileAnotherFetchHoldsTheHostsOnlySlot_IsAskedOnlyOnceTheSlotIsFree()
    {
        // Regression (scale-out): a replica claimed its poll and then queued for the host's slot; by the time it sent,
        // another replica's next claim was due, and both fetched the feed within half a second.
        var fetcher = CreateFetcher(("MaxConcurrentFetchesPerHost", "1"));
        var first = fetcher.FetchAsync(new FetchRequest(_server.Url("/counted?feed=first")), CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref _inFlight) == 0 && !first.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        var inFlightWhenAsked = -1;
        var second = await fetcher.FetchAsync(
            new FetchRequest(_server.Url("/counted?feed=second"), Claim: _ =>
            {
                inFlightWhenAsked = Volatile.Read(ref _inFlight);
                return Task.FromResult(true);
            }),
            CancellationToken.None);

        Assert.Equal(FetchStatus.Ok, (await first).Status);
        Assert.Equal(FetchStatus.Ok, second.Status);
        Assert.Equal(0, inFlightWhenAsked);
        Assert.Equal(2, _server.HitCount("/counted"));
    }

    [Fact]
    public async Task FetchAsync_FileUrl_ReadsFromDisk()
    {
        var path = Path.Combine(Path.GetTempPath(), $"outagealerts-feed-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(path, FeedBody);
        try
        {
            var fetcher = CreateFetcher();
            var result = await fetcher.FetchAsync(new FetchRequest(new Uri(path)), CancellationToken.None);
            var again = await fetcher.FetchAsync(new FetchRequest(new Uri(path), LastModified: result.LastModified), CancellationToken.None);

            Assert.Equal(FetchStatus.Ok, result.Status);
            Assert.Equal(FeedBody, Encoding.UTF8.GetString(result.Body.Span));
            Assert.Equal(FetchStatus.NotModified, again.Status);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task FetchAsync_MissingFile_Fails()
    {
        var missing = new Uri(Path.Combine(Path.GetTempPath(), $"outagealerts-none-{Guid.NewGuid():N}.xml"));

        var result = await CreateFetcher().FetchAsync(new FetchRequest(missing), CancellationToken.None);

        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Contains("does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_UnsupportedScheme_Fails()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(new Uri("ftp://127.0.0.1/feed.xml")), CancellationToken.None);

        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Contains("ftp", result.Error, StringComparison.Ordinal);
    }

    private static IFeedFetcher CreateFetcher(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OutageAlerts:FeedFetching:RetryBaseDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in overrides)
        {
            settings["OutageAlerts:FeedFetching:" + key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddFeeds(configuration);
        return services.BuildServiceProvider().GetRequiredService<IFeedFetcher>();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private void MapRoutes(WebApplication app)
    {
        app.MapGet("/feed", (HttpContext context) =>
        {
            if (context.Request.Headers.IfNoneMatch.ToString() == ETag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            context.Response.Headers.ETag = ETag;
            context.Response.Headers.LastModified = LastModified.ToString("R");
            return Results.Text(FeedBody, "application/rss+xml; charset=utf-8");
        });
        app.MapGet("/located", (HttpContext context) =>
        {
            context.Response.Headers.ContentLocation = "/archive/feed.xml";
            return Results.Text(FeedBody, "application/rss+xml");
        });
        app.MapGet("/counted", async () =>
        {
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _maxInFlight, now);

            // Long enough that, without a limit, the six requests overlap.
            await Task.Delay(100);
            Interlocked.Decrement(ref _inFlight);
            return Results.Text(FeedBody, "application/rss+xml");
        });
        app.MapGet("/gone", () => Results.StatusCode(StatusCodes.Status410Gone));
        app.MapGet("/busy", (HttpContext context) =>
        {
            context.Response.Headers.RetryAfter = "120";
            return Results.StatusCode(StatusCodes.Status429TooManyRequests);
        });
        app.MapGet("/maintenance", (HttpContext context) =>
        {
            context.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddHours(1).ToString("R");
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/big-chunked", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/rss+xml";
            var chunk = new byte[512];
            for (var i = 0; i < 64; i++)
            {
                await context.Response.Body.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
            }
        });
        app.MapGet("/big-declared", () => Results.Bytes(new byte[4096], "application/rss+xml"));
        app.MapGet("/flaky", () => Interlocked.Increment(ref _flakyCalls) == 1
            ? Results.StatusCode(StatusCodes.Status500InternalServerError)
            : Results.Text(FeedBody, "application/rss+xml"));
        app.MapGet("/broken", () => Results.StatusCode(StatusCodes.Status500InternalServerError));
        app.MapGet("/missing", () => Results.NotFound());
        app.MapGet("/moved", () => Results.Redirect("/feed"));
        app.MapGet("/loop", () => Results.Redirect("/loop"));
        app.MapGet("/slow", async (HttpContext context) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
            return Results.Ok();
        });
    }
}
