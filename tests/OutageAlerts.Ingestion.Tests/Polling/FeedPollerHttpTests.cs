using System.Text;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OutageAlerts.Classification;
using OutageAlerts.Contracts;
using OutageAlerts.Feeds;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.Polling;
using OutageAlerts.Ingestion.State;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.Ingestion.Tests.Polling;

/// <summary>
/// Hostile and unusual servers, polled through the real fetcher and parser from a real local Kestrel server into a
/// real SQLite store; only the classifier and the bus are substituted. The poller's clock is fake so that
/// back-off and Retry-After can be stepped through; the fetcher keeps the real clock for its own time-outs.
/// </summary>
public sealed class FeedPollerHttpTests : IAsyncLifetime
{
    private const string SecretMarker = "TOP-SECRET-MARKER";
    private const string ETag = "\"rev-7\"";
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly TestStore _store = TestStore.Sqlite();
    private readonly IStrikeClassifier _classifier = Substitute.For<IStrikeClassifier>();
    private readonly IPublishEndpoint _bus = Substitute.For<IPublishEndpoint>();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly List<Report> _classified = [];
    private readonly string _secretPath = Path.Combine(Path.GetTempPath(), $"outagealerts-secret-{Guid.NewGuid():N}.txt");
    private LocalHttpServer _server = null!;
    private ServiceProvider _services = null!;
    private string? _lastError;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_secretPath, SecretMarker);
        _server = await LocalHttpServer.StartAsync(ServeAsync);
        _services = BuildServices();
        _classifier.Classify(Arg.Any<Report>()).Returns(call =>
        {
            lock (_classified)
            {
                _classified.Add(call.Arg<Report>());
            }

            return new Assessment { Alert = false, Severity = Severity.None, Urgency = Urgency.Unknown, Certainty = Certainty.Unknown, Language = "en" };
        });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
        await _store.DisposeAsync();
        File.Delete(_secretPath);
    }

    [Fact]
    public async Task PollAsync_PollClaimedByAnotherReplica_DefersWithoutSendingARequest()
    {
        await using var replica = BuildServices(replicas: true);
        var feed = FeedFor("/plain");
        var other = new FeedPollClaims(replica.GetRequiredService<IStore>(), _time, enabled: true);
        Assert.True(await other.TryClaimAsync(feed.Name, feed.Interval, CancellationToken.None));

        await using var scope = replica.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<FeedPoller>().PollAsync(feed, CancellationToken.None);

        Assert.Equal(PollOutcome.Deferred, outcome);
        Assert.DoesNotContain(_server.Requests, r => r.Path == "/plain");
    }

    [Fact]
    public async Task PollAsync_ReplicaWinsTheClaim_Fetches()
    {
        await using var replica = BuildServices(replicas: true);

        await using var scope = replica.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<FeedPoller>().PollAsync(FeedFor("/plain"), CancellationToken.None);

        Assert.Equal(PollOutcome.Ok, outcome);
        Assert.Contains(_server.Requests, r => r.Path == "/plain");
    }

    [Fact]
    public async Task PollAsync_EntityExpansionBomb_ParsesWithoutExpanding()
    {
        AssertOutcome(PollOutcome.Ok, await PollAsync("/bomb"));

        var report = Assert.Single(_classified);
        Assert.Equal("Substation hit", report.Title);
        // The undefined reference may stay as written; what must never appear is its expansion.
        Assert.DoesNotContain("lollol", report.Summary ?? "", StringComparison.Ordinal);
        Assert.True(report.Summary is null || report.Summary.Length < 100, $"The summary has {report.Summary?.Length} characters.");
    }

    [Fact]
    public async Task PollAsync_ExternalEntity_NeverReadsTheFile()
    {
        AssertOutcome(PollOutcome.Ok, await PollAsync("/xxe"));

        var report = Assert.Single(_classified);
        Assert.DoesNotContain(SecretMarker, report.Title + report.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAsync_BodyOverTheCap_FailsAndBacksOff()
    {
        AssertOutcome(PollOutcome.Failed, await PollAsync("/huge"));

        var state = await StateAsync("/huge");
        Assert.Contains("larger than the 4096 bytes", state.LastError, StringComparison.Ordinal);
        Assert.Equal(FeedStatus.BackingOff, state.Status);
        Assert.Empty(_classified);
    }

    [Fact]
    public async Task PollAsync_ServerTricklesBytes_TotalTimeoutEndsTheFetch()
    {
        AssertOutcome(PollOutcome.Failed, await PollAsync("/trickle"));

        var state = await StateAsync("/trickle");
        Assert.Contains("Timed out", state.LastError, StringComparison.Ordinal);
        Assert.Equal(1, state.ConsecutiveFailures);
    }

    [Fact]
    public async Task PollAsync_NotModified_SendsTheStoredETagAndProcessesNothing()
    {
        AssertOutcome(PollOutcome.Ok, await PollAsync("/conditional"));
        AssertOutcome(PollOutcome.NotModified, await PollAsync("/conditional"));

        var requests = _server.Requests.Where(r => r.Path == "/conditional").ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(ETag, requests[1].Header("If-None-Match"));
        Assert.Single(_classified);
        Assert.Equal(ETag, (await StateAsync("/conditional")).ETag);
    }

    [Fact]
    public async Task PollAsync_429WithRetryAfter_SkipsPollsUntilThen()
    {
        AssertOutcome(PollOutcome.Failed, await PollAsync("/busy"));
        var state = await StateAsync("/busy");
        Assert.Equal(Now.AddSeconds(120), state.NextPollAfter);
        Assert.Equal(FeedStatus.BackingOff, state.Status);

        _time.Advance(TimeSpan.FromSeconds(119));
        AssertOutcome(PollOutcome.Deferred, await PollAsync("/busy"));
        Assert.Single(_server.Requests, r => r.Path == "/busy");

        _time.Advance(TimeSpan.FromSeconds(2));
        AssertOutcome(PollOutcome.Failed, await PollAsync("/busy"));
        Assert.Equal(2, _server.Requests.Count(r => r.Path == "/busy"));
    }

    [Fact]
    public async Task PollAsync_410_DisablesTheFeedForGood()
    {
        AssertOutcome(PollOutcome.Gone, await PollAsync("/gone"));
        _time.Advance(TimeSpan.FromDays(1));
        AssertOutcome(PollOutcome.Disabled, await PollAsync("/gone"));

        Assert.Single(_server.Requests, r => r.Path == "/gone");
        var state = await StateAsync("/gone");
        Assert.Equal(FeedStatus.Disabled, state.Status);
        Assert.Equal("410 Gone", state.StatusReason);
    }

    [Theory]
    [InlineData("/garbage")]
    [InlineData("/empty")]
    public async Task PollAsync_GarbageOrEmpty200_IsAParseFailureNotACrash(string path)
    {
        AssertOutcome(PollOutcome.ParseFailed, await PollAsync(path));

        var state = await StateAsync(path);
        Assert.StartsWith("parse: ", state.LastError, StringComparison.Ordinal);
        Assert.Equal(1, state.ConsecutiveParseFailures);
        Assert.Empty(_classified);
    }

    private async Task<PollOutcome> PollAsync(string path)
    {
        await using var scope = _services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<FeedPoller>().PollAsync(FeedFor(path), CancellationToken.None);
        _lastError = (await StateAsync(path)).LastError;
        return outcome;
    }

    private void AssertOutcome(PollOutcome expected, PollOutcome actual) =>
        Assert.True(expected == actual, $"Expected {expected}, got {actual} (last error: {_lastError}).");

    private Task<FeedState> StateAsync(string path) =>
        _services.GetRequiredService<IngestionStore>().GetFeedAsync(FeedFor(path).Name, CancellationToken.None);

    private FeedOptions FeedFor(string path) => new() { Name = "local" + path.Replace('/', '-'), Url = _server.Url(path).ToString() };

    private ServiceProvider BuildServices(bool replicas = false)
    {
        var settings = new Dictionary<string, string?>(_store.Settings)
        {
            ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00",
            ["OutageAlerts:FeedFetching:MaxBodyBytes"] = "4096",
            // Generous for a loaded CI machine; the trickling server needs minutes to finish, so it still times out.
            ["OutageAlerts:FeedFetching:Timeout"] = "00:00:05",
            ["OutageAlerts:FeedFetching:AttemptTimeout"] = "00:00:05",
            ["OutageAlerts:FeedFetching:MaxRetries"] = "0",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddIngestion(configuration);
        services.AddSingleton<IFeedFetcher>(provider => new FeedFetcher(
            provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetRequiredService<IOptions<FeedsOptions>>(),
            TimeProvider.System,
            provider.GetRequiredService<ILogger<FeedFetcher>>()));
        services.AddSingleton(_classifier).AddSingleton(_bus);
        if (replicas)
        {
            // As with a clustered scheduler: polls are claimed in the store.
            services.AddSingleton(provider => new FeedPollClaims(provider.GetRequiredService<IStore>(), _time, enabled: true));
        }

        return services.BuildServiceProvider();
    }

    private async Task ServeAsync(ReceivedRequest request, HttpContext context)
    {
        var response = context.Response;
        switch (request.Path)
        {
            case "/bomb":
                await WriteAsync(response, BillionLaughs());
                break;
            case "/xxe":
                await WriteAsync(response, $"""
                    <?xml version="1.0"?>
                    <!DOCTYPE rss [ <!ENTITY xxe SYSTEM "{new Uri(_secretPath).AbsoluteUri}"> ]>
                    <rss version="2.0"><channel><title>t</title>
                    <item><guid>x1</guid><title>Depot &xxe; hit</title><description>&xxe;</description></item></channel></rss>
                    """);
                break;
            case "/huge":
                response.ContentType = "application/rss+xml";
                for (var i = 0; i < 64; i++)
                {
                    await response.Body.WriteAsync(Encoding.UTF8.GetBytes(new string(' ', 512)), context.RequestAborted);
                    await response.Body.FlushAsync(context.RequestAborted);
                }

                break;
            case "/trickle":
                response.ContentType = "application/rss+xml";
                try
                {
                    foreach (var b in Encoding.UTF8.GetBytes(Rss("slow", "Slow news") + new string(' ', 10_000)))
                    {
                        await response.Body.WriteAsync(new[] { b }, context.RequestAborted);
                        await response.Body.FlushAsync(context.RequestAborted);
                        await Task.Delay(50, context.RequestAborted);
                    }
                }
                catch (OperationCanceledException)
                {
                    // The client gave up, which is the point.
                }

                break;
            case "/conditional":
                if (request.Header("If-None-Match") == ETag)
                {
                    response.StatusCode = StatusCodes.Status304NotModified;
                    break;
                }

                response.Headers.ETag = ETag;
                await WriteAsync(response, Rss("c1", "Boiler house shelled"));
                break;
            case "/busy":
                response.Headers.RetryAfter = "120";
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                break;
            case "/gone":
                response.StatusCode = StatusCodes.Status410Gone;
                break;
            case "/garbage":
                var bytes = new byte[2048];
                new Random(7).NextBytes(bytes);
                response.ContentType = "application/rss+xml";
                await response.Body.WriteAsync(bytes, context.RequestAborted);
                break;
            case "/empty":
                response.ContentType = "application/rss+xml";
                break;
            case "/plain":
                await WriteAsync(response, Rss("p1", "Quiet day in the valley"));
                break;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    private static Task WriteAsync(HttpResponse response, string xml)
    {
        response.ContentType = "application/rss+xml; charset=utf-8";
        return response.WriteAsync(xml);
    }

    private static string Rss(string id, string title) =>
        $"<rss version=\"2.0\"><channel><title>Local</title><item><guid>{id}</guid><title>{title}</title><description>{title}.</description></item></channel></rss>";

    private static string BillionLaughs()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n");
        for (var i = 1; i <= 9; i++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat(i == 1 ? "&lol;" : $"&lol{i - 1};", 10))}\">\n");
        }

        sb.Append("]>\n<rss version=\"2.0\"><channel><title>&lol9;</title><item><guid>b1</guid><title>Substation hit</title><description>&lol9;</description></item></channel></rss>");
        return sb.ToString();
    }
}
