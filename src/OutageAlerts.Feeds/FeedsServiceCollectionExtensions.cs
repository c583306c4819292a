using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OutageAlerts.Feeds;
using OutageAlerts.Feeds.Checking;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

public static class FeedsServiceCollectionExtensions
{

    private static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Registers the feed parser (<see cref="IFeedParser"/>), the fetcher (<see cref="IFeedFetcher"/>), the operator
    /// check (<see cref="FeedChecker"/>) and the fetcher's named
    /// HttpClient with a resilience pipeline, configured from <c>OutageAlerts:FeedFetching</c> and validated at start.
    /// </summary>
    public static IServiceCollection AddFeeds(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FeedsOptions>()
            .Bind(configuration.GetSection(FeedsOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FeedsOptions>, FeedsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFeedParser, FeedParser>();
        services.TryAddSingleton<IFeedFetcher, FeedFetcher>();
        services.TryAddSingleton<FeedChecker>();

        services.AddHttpClient(FeedFetcher.HttpClientName, client =>
            {
                // The resilience pipeline and the fetcher own every timeout. The fetcher sets User-Agent and Accept on
                // each request: this runs for every client the factory hands out, one per fetch, and parsing the two
                // headers into the client's defaults each time was 7 % of the fetch path's processor time (issue 10).
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The poller logs failed fetches with their feed, and each request is a span; the factory's logging handlers
            // only ever wrote below the configured level, yet opened a log scope and timed each of 1,000 requests per
            // poll cycle (issue 10).
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var options = provider.GetRequiredService<IOptions<FeedsOptions>>().Value;
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = options.MaxRedirects > 0,
                    MaxAutomaticRedirections = Math.Max(1, options.MaxRedirects),
                    AutomaticDecompression = DecompressionMethods.All,
                    PooledConnectionLifetime = PooledConnectionLifetime,
                    UseCookies = false,
                };
            })
            .AddResilienceHandler("feeds", static (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<FeedsOptions>>().Value;
                builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.Timeout });
                if (options.MaxRetries > 0)
                {
                    builder.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.RetryBaseDelay,

                        // A Retry-After is the caller's to honour across polls, not a reason to hold this one open.
                        ShouldRetryAfterHeader = false,
                        ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome)),
                    });
                }

                builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout });
            });

        return services;
    }

    // Transient failures only: network errors, attempt time-outs, 408 and 5xx. 429, and 503 with a Retry-After,
    // carry the server's request to back off, which the fetcher reports; other 4xx will not change on a retry.
    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException;
        }

        var response = outcome.Result;
        return response?.StatusCode switch
        {
            HttpStatusCode.RequestTimeout => true,
            HttpStatusCode.ServiceUnavailable => response.Headers.RetryAfter is null,
            { } code => (int)code >= 500,
            null => false,
        };
    }
}
