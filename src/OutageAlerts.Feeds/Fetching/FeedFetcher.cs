using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace OutageAlerts.Feeds.Fetching;

/// <summary>
/// Fetches feeds over http(s) through the resilient "feeds" HttpClient, or from disk for file: URLs. Remote
/// failures come back as <see cref="FetchStatus.Failed"/> with an error; only the caller's cancellation throws.
/// </summary>
public sealed partial class FeedFetcher(
    IHttpClientFactory httpClientFactory,
    IOptions<FeedsOptions> options,
    TimeProvider timeProvider,
    ILogger<FeedFetcher> logger) : IFeedFetcher
{
    /// <summary>The named HttpClient registered by <c>AddFeeds</c>.</summary>
    public const string HttpClientName = "feeds";

    /// <summary>The formats asked for, feeds first.</summary>
    internal const string AcceptHeader =
        "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, " +
        "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

    private const int ReadBufferBytes = 81920;

    private readonly FeedsOptions _options = options.Value;
    private readonly HostThrottle _hosts = new(options.Value.MaxConcurrentFetchesPerHost);

    public async Task<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = FeedsTelemetry.Source.StartActivity("feeds.fetch", ActivityKind.Client);
        // Feed URLs may carry API keys in their query (ReliefWeb appname, GDELT): the span keeps scheme, host and path.
        activity?.SetTag("url.full", request.Url.IsAbsoluteUri ? request.Url.GetLeftPart(UriPartial.Path) : request.Url.ToString());

        var result = request.Url switch
        {
            { IsAbsoluteUri: false } => Failure(request.Url, "The feed URL is not absolute."),
            { IsFile: true } => await ReadFileAsync(request, cancellationToken),
            _ when request.Url.Scheme == Uri.UriSchemeHttp || request.Url.Scheme == Uri.UriSchemeHttps =>
                await FetchHttpAsync(request, cancellationToken),
            _ => Failure(request.Url, $"The URL scheme '{request.Url.Scheme}' is not supported (http, https or file)."),
        };

        Record(activity, request.Url, result);
        return result;
    }

    private async Task<FetchResult> FetchHttpAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        // Many feeds on one publisher must not hit it all at once. Waiting for a slot has its own budget, so a
        // feed queued behind slow siblings still gets its full fetch budget once it runs.
        using var slot = await _hosts.EnterAsync(request.Url, _options.Timeout, timeProvider, cancellationToken);
        if (slot is null)
        {
            return Failure(
                request.Url,
                $"Waited {_options.Timeout.TotalSeconds:0.#} s for one of the {_options.MaxConcurrentFetchesPerHost} fetch slots for host {request.Url.Host} (OutageAlerts:FeedFetching:MaxConcurrentFetchesPerHost).");
        }

        if (request.Claim is { } claim && !await claim(cancellationToken))
        {
            return Abandoned(request.Url);
        }

        // The resilience pipeline bounds the attempts up to the headers; this bounds the whole fetch, body included.
        using var budget = new CancellationTokenSource(_options.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, request.Url);
            // As they are: the User-Agent was validated at start (FeedsOptionsValidator), the Accept list is ours.
            message.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
            message.Headers.TryAddWithoutValidation("Accept", AcceptHeader);
            AddValidators(message, request);
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            return await InterpretAsync(request, response, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutRejectedException)
        {
            return Failure(request.Url, $"Timed out after {_options.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            return Failure(request.Url, $"Request failed: {ex.Message}", (int?)ex.StatusCode);
        }
        catch (IOException ex)
        {
            return Failure(request.Url, $"Reading the response failed: {ex.Message}");
        }
    }

    private async Task<FetchResult> InterpretAsync(FetchRequest request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var finalUrl = response.RequestMessage?.RequestUri ?? request.Url;
        var status = (int)response.StatusCode;
        var etag = response.Headers.ETag?.ToString();
        var lastModified = response.Content.Headers.LastModified;

        switch (response.StatusCode)
        {
            case HttpStatusCode.NotModified:
                return new FetchResult
                {
                    Status = FetchStatus.NotModified,
                    Url = finalUrl,
                    HttpStatus = status,
                    ETag = etag ?? request.ETag,
                    LastModified = lastModified ?? request.LastModified,
                };
            case HttpStatusCode.Gone:
                return new FetchResult
                {
                    Status = FetchStatus.Gone,
                    Url = finalUrl,
                    HttpStatus = status,
                    Error = "The server says the feed is gone for good (410).",
                };
            case HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable:
                return Failure(
                    finalUrl,
                    $"The server asks to come back later ({status} {response.ReasonPhrase}).",
                    status,
                    RetryAfter(response.Headers.RetryAfter));
        }

        if (status is >= 300 and < 400)
        {
            return Failure(finalUrl, $"Redirect ({status}) not followed: more than {_options.MaxRedirects} redirects or no target.", status);
        }

        if (!response.IsSuccessStatusCode)
        {
            return Failure(finalUrl, $"HTTP {status} {response.ReasonPhrase}.", status);
        }

        var declaredLength = response.Content.Headers.ContentLength;
        if (declaredLength > _options.MaxBodyBytes)
        {
            return TooLarge(finalUrl, status);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var body = await ReadCappedAsync(stream, declaredLength, cancellationToken);
        if (body is null)
        {
            return TooLarge(finalUrl, status);
        }

        return new FetchResult
        {
            Status = FetchStatus.Ok,
            Url = finalUrl,
            HttpStatus = status,
            Body = body,
            ContentType = response.Content.Headers.ContentType?.ToString(),
            ContentLocation = ContentLocationOf(response, finalUrl),
            ETag = etag,
            LastModified = lastModified,
        };
    }

    private async Task<FetchResult> ReadFileAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        if (request.Claim is { } claim && !await claim(cancellationToken))
        {
            return Abandoned(request.Url);
        }

        var path = request.Url.LocalPath;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Failure(request.Url, $"The file '{path}' does not exist.");
            }

            if (info.Length > _options.MaxBodyBytes)
            {
                return TooLarge(request.Url, null);
            }

            // Whole seconds, as HTTP dates have them, so a validator handed back unchanged matches.
            var modified = new DateTimeOffset(info.LastWriteTimeUtc.Ticks - (info.LastWriteTimeUtc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            if (request.LastModified is { } since && modified <= since)
            {
                return new FetchResult { Status = FetchStatus.NotModified, Url = request.Url, LastModified = modified };
            }

            await using var stream = new FileStream(
                path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, ReadBufferBytes, useAsync: true);
            var body = await ReadCappedAsync(stream, info.Length, cancellationToken);
            return body is null
                ? TooLarge(request.Url, null)
                : new FetchResult { Status = FetchStatus.Ok, Url = request.Url, Body = body, LastModified = modified };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failure(request.Url, $"Reading '{path}' failed: {ex.Message}");
        }
    }

    // Returns null as soon as the body passes the cap, without reading the rest.
    private async Task<byte[]?> ReadCappedAsync(Stream stream, long? expectedLength, CancellationToken cancellationToken)
    {
        var cap = _options.MaxBodyBytes;
        var initialCapacity = (int)Math.Min(expectedLength ?? ReadBufferBytes, cap + 1);
        using var buffer = new MemoryStream(initialCapacity);
        var chunk = new byte[ReadBufferBytes];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > cap)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Uri? ContentLocationOf(HttpResponseMessage response, Uri finalUrl)
    {
        var location = response.Content.Headers.ContentLocation;
        if (location is null)
        {
            return null;
        }

        var absolute = location.IsAbsoluteUri ? location : Uri.TryCreate(finalUrl, location, out var resolved) ? resolved : null;

        // Only web locations may become the base of the links handed to subscribers.
        return absolute is not null && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps) ? absolute : null;
    }

    private static void AddValidators(HttpRequestMessage message, FetchRequest request)
    {
        if (!string.IsNullOrWhiteSpace(request.ETag))
        {
            // Stored validators are sent back verbatim, including weak ones (W/"…").
            message.Headers.TryAddWithoutValidation("If-None-Match", request.ETag);
        }

        if (request.LastModified is { } since)
        {
            message.Headers.IfModifiedSince = since;
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private FetchResult TooLarge(Uri url, int? status) =>
        Failure(url, $"The body is larger than the {_options.MaxBodyBytes} bytes allowed (OutageAlerts:FeedFetching:MaxBodyBytes).", status);

    private static FetchResult Abandoned(Uri url) => new() { Status = FetchStatus.Abandoned, Url = url };

    private static FetchResult Failure(Uri url, string error, int? status = null, TimeSpan? retryAfter = null) => new()
    {
        Status = FetchStatus.Failed,
        Url = url,
        Error = error,
        HttpStatus = status,
        RetryAfter = retryAfter,
    };

    private void Record(Activity? activity, Uri requested, FetchResult result)
    {
        var status = result.Status switch
        {
            FetchStatus.Ok => "ok",
            FetchStatus.NotModified => "not_modified",
            FetchStatus.Gone => "gone",
            FetchStatus.Abandoned => "abandoned",
            _ => "failed",
        };
        FeedsTelemetry.Fetches.Add(1, new KeyValuePair<string, object?>("status", status));
        activity?.SetTag("outagealerts.feeds.fetch.status", status);
        if (result.HttpStatus is { } code)
        {
            activity?.SetTag("http.response.status_code", code);
        }

        switch (result.Status)
        {
            case FetchStatus.Ok:
                FeedsTelemetry.BodyBytes.Record(result.Body.Length);
                LogFetched(logger, requested, result.Body.Length);
                break;
            case FetchStatus.NotModified:
                LogNotModified(logger, requested);
                break;
            case FetchStatus.Gone:
                LogGone(logger, requested);
                break;
            case FetchStatus.Abandoned:
                // The caller says why (another replica polls the feed); nothing went out.
                break;
            default:
                activity?.SetStatus(ActivityStatusCode.Error, result.Error);
                LogFailed(logger, requested, result.HttpStatus, result.Error);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fetched {Url}: {Bytes} bytes")]
    private static partial void LogFetched(ILogger logger, Uri url, int bytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Url} not modified")]
    private static partial void LogNotModified(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Url} is gone (410)")]
    private static partial void LogGone(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching {Url} failed (HTTP {HttpStatus}): {Error}")]
    private static partial void LogFailed(ILogger logger, Uri url, int? httpStatus, string? error);
}
