using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutageAlerts.Classification;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;
using OutageAlerts.Incidents;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.Publishing;
using OutageAlerts.Ingestion.State;
using OutageAlerts.Storage.Retention;

namespace OutageAlerts.Ingestion.Polling;

/// <summary>
/// One poll of one feed: fetch → parse → new items only → classify → correlate → publish → remember.
/// An item is recorded as seen only after its alert was published (and, on RabbitMQ, confirmed), so a crash
/// in between re-processes it; the deterministic alert id lets delivery drop the repeat.
/// </summary>
internal sealed partial class FeedPoller(
    IFeedFetcher fetcher,
    IFeedParser parser,
    IStrikeClassifier classifier,
    IIncidentCorrelator correlator,
    AlertPublisher publisher,
    IngestionStore store,
    FeedPollClaims claims,
    IOptions<IngestionOptions> options,
    IOptions<RetentionOptions> retention,
    TimeProvider timeProvider,
    ILogger<FeedPoller> logger)
{
    /// <summary>
    /// Items correlated in one transaction at most. A burst's first alert waits for the correlation of the items
    /// before it in its batch (about 0.1–0.3 ms each on SQLite, a few on a remote PostgreSQL), and another replica's
    /// correlation waits for the whole batch; 32 keeps both to a few milliseconds while taking most of the gain.
    /// </summary>
    public const int CorrelationBatch = 32;

    public async Task<PollOutcome> PollAsync(FeedOptions feed, CancellationToken cancellationToken)
    {
        using var activity = IngestionTelemetry.Source.StartActivity($"poll {feed.Name}", ActivityKind.Internal);
        activity?.SetTag("outagealerts.feed.name", feed.Name);

        var state = await store.GetFeedAsync(feed.Name, cancellationToken);
        if (state.Status == FeedStatus.Disabled)
        {
            LogFeedDisabled(feed.Name, state.StatusReason);
            return Record(PollOutcome.Disabled, activity, feed);
        }

        var now = timeProvider.GetUtcNow();
        if (state.NextPollAfter is { } notBefore && now < notBefore)
        {
            // Back-off, a server's Retry-After or a pause: the trigger fires on schedule, the poll waits its turn.
            LogPollDeferred(feed.Name, state.Status, notBefore, state.StatusReason);
            return Record(PollOutcome.Deferred, activity, feed);
        }

        // With replicas, the poll is claimed once the fetcher holds its slot for the host, just before it sends: a
        // claim taken before the wait for that slot could be a second old by the time the request went out, and the
        // next replica's on-time claim would then fetch the feed again right after it.
        Func<CancellationToken, Task<bool>>? claim = claims.Enabled ? ct => claims.TryClaimAsync(feed.Name, feed.Interval, ct) : null;
        var started = timeProvider.GetTimestamp();
        var fetched = await fetcher.FetchAsync(new FetchRequest(feed.ResolvedUrl!, state.ETag, state.LastModified, claim), cancellationToken);
        if (fetched.Status == FetchStatus.Abandoned)
        {
            LogPollClaimedElsewhere(feed.Name);
            return Record(PollOutcome.Deferred, activity, feed);
        }

        IngestionTelemetry.FetchDuration.Record(timeProvider.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outagealerts.feed.name", feed.Name));
        state = state with { LastPolled = now, Polls = state.Polls + 1 };

        switch (fetched.Status)
        {
            case FetchStatus.NotModified:
                await store.SaveFeedAsync(Succeeded(feed, state, now), cancellationToken);
                return Record(PollOutcome.NotModified, activity, feed);
            case FetchStatus.Gone:
                LogFeedGone(feed.Name, fetched.Url);
                await store.SaveFeedAsync(
                    state with
                    {
                        Status = FeedStatus.Disabled,
                        StatusReason = "410 Gone",
                        LastError = fetched.Error,
                        NextPollAfter = null,
                    },
                    cancellationToken);
                return Record(PollOutcome.Gone, activity, feed);
            case FetchStatus.Failed:
                LogFetchFailed(feed.Name, fetched.Error);
                await store.SaveFeedAsync(FetchFailed(feed, state, fetched, now), cancellationToken);
                return Record(PollOutcome.Failed, activity, feed, fetched.Error);
        }

        ParsedFeed document;
        try
        {
            // Content-Location, when the server sends one, is the document's base for relative links.
            document = parser.Parse(fetched.Body, fetched.ContentType, fetched.BaseUri);
        }
        catch (FeedParseException ex)
        {
            LogParseFailed(feed.Name, ex.Message);
            await store.SaveFeedAsync(ParseFailed(feed, state, ex.Message, now), cancellationToken);
            return Record(PollOutcome.ParseFailed, activity, feed, ex.Message);
        }

        var isFirstPoll = state.LastSuccess is null;
        var processed = await ProcessItemsAsync(feed, document, isFirstPoll, now, cancellationToken);
        await store.SaveFeedAsync(Succeeded(feed, state, now) with { ETag = fetched.ETag, LastModified = fetched.LastModified }, cancellationToken);
        activity?.SetTag("outagealerts.items.processed", processed);
        return Record(PollOutcome.Ok, activity, feed);
    }

    private async Task<int> ProcessItemsAsync(FeedOptions feed, ParsedFeed document, bool isFirstPoll, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var feedTag = new KeyValuePair<string, object?>("outagealerts.feed.name", feed.Name);
        IngestionTelemetry.ItemsParsed.Add(document.Items.Count, feedTag);

        var keyed = document.Items
            .Select(item => (Key: ItemIdentity.KeyFor(feed.Name, item), Item: item))
            .DistinctBy(x => x.Key)
            .ToList();
        var seen = await store.FindSeenAsync([.. keyed.Select(x => x.Key)], cancellationToken);
        var fresh = keyed.Where(x => !seen.Contains(x.Key))
            // Oldest first, so that an incident's reports reach correlation in the order they were written.
            .OrderBy(x => x.Item.Published ?? x.Item.Updated ?? now)
            .ToList();
        IngestionTelemetry.ItemsNew.Add(fresh.Count, feedTag);

        var maxAge = options.Value.FirstPollMaxItemAge;
        // Published before what the store keeps: an item the feed still lists from back then may have had its seen
        // record purged, and news that old is no alert. A feed's first poll is FirstPollMaxItemAge's to decide.
        var expired = retention.Value.Enabled && !isFirstPoll ? now - retention.Value.Period : DateTimeOffset.MinValue;
        var processed = 0;
        // Items are classified one after another, oldest first, and correlated in batches of up to
        // CorrelationBatch in one transaction each (one per item made a burst of n new items n round trips to the
        // store's writer, and on PostgreSQL n commits under the correlation lock: issue 10). Only the wait for the
        // broker's confirms overlaps, up to MaxPublishesInFlight alerts. Two versions of one alert are still published
        // in order. An item is recorded as seen only once its alert was confirmed: after a failure, what went out is
        // recorded and the rest is processed again on the next poll. The poll's items are recorded in one transaction.
        var window = new PublishWindow(publisher, options.Value.MaxPublishesInFlight);
        var batch = new List<ClassifiedItem>(Math.Min(fresh.Count, CorrelationBatch));
        try
        {
            foreach (var (key, item) in fresh)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if ((item.Published ?? item.Updated) is { } date && (date < expired || (isFirstPoll && maxAge is { } age && now - date > age)))
                {
                    window.Done(key, null);
                    continue;
                }

                batch.Add(Classify(feed, key, item, now));
                processed++;
                if (batch.Count == CorrelationBatch)
                {
                    await CorrelateAndPublishAsync(batch, window, cancellationToken);
                }
            }

            await CorrelateAndPublishAsync(batch, window, cancellationToken);
            await window.CompleteAsync();
        }
        finally
        {
            // Spans of items a failure left behind still end.
            foreach (var classified in batch)
            {
                classified.Activity?.Dispose();
            }

            await store.MarkSeenAsync(await window.ConfirmedAsync(), feed.Name, now, cancellationToken);
        }

        return processed;
    }

    /// <summary>Classifies an item under a span of its own, which stays open until the item's alert is published.</summary>
    private ClassifiedItem Classify(FeedOptions feed, string key, FeedItem item, DateTimeOffset now)
    {
        var report = new Report(
            Id: item.Id ?? key,
            Title: item.Title ?? "",
            Summary: Clip(item.Summary ?? item.Content, options.Value.MaxClassifiedTextLength),
            Published: item.Published ?? item.Updated,
            Source: feed.Name);
        var poll = Activity.Current;
        var activity = IngestionTelemetry.Source.StartActivity("process item");
        try
        {
            activity?.SetTag("outagealerts.feed.name", feed.Name);
            activity?.SetTag("outagealerts.item.id", report.Id);

            var assessment = classifier.Classify(report);
            IngestionTelemetry.RecordClassification(assessment.Alert, assessment.Severity.ToString(), assessment.Targets);
            activity?.SetTag("outagealerts.classification.decision", IngestionTelemetry.Decision(assessment.Alert));
            activity?.SetTag("outagealerts.classification.alert", assessment.Alert);
            activity?.SetTag("outagealerts.classification.severity", assessment.Severity.ToString());
            activity?.SetTag("outagealerts.classification.targets", string.Join(',', assessment.Targets));
            activity?.SetTag("outagealerts.classification.region", assessment.Region);
            var classified = new ClassifiedReport(feed.Name, key, item.Id ?? key, item.Link, report, assessment, now)
            {
                ParentSpan = activity?.Context ?? default,
            };
            return new ClassifiedItem(key, classified, activity);
        }
        finally
        {
            // The next item's span is a sibling of this one, not its child.
            Activity.Current = poll;
        }
    }

    private async Task CorrelateAndPublishAsync(List<ClassifiedItem> batch, PublishWindow window, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        IReadOnlyList<IncidentDecision> decisions;
        try
        {
            decisions = await correlator.CorrelateAsync([.. batch.Select(b => b.Report)], cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing of the batch was recorded. One by one, so that the items before the one that fails still go out
            // as they would have without batching, and the failure stops the poll at that item.
            LogBatchFailed(ex, batch[0].Report.Feed, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                var poll = Activity.Current;
                Activity.Current = batch[i].Activity ?? poll;
                try
                {
                    var decision = await correlator.CorrelateAsync(batch[i].Report, cancellationToken);
                    await PublishAsync(batch[i], decision, window, cancellationToken);
                }
                finally
                {
                    Activity.Current = poll;
                }
            }

            batch.Clear();
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var poll = Activity.Current;
            Activity.Current = batch[i].Activity ?? poll;
            try
            {
                await PublishAsync(batch[i], decisions[i], window, cancellationToken);
            }
            finally
            {
                Activity.Current = poll;
            }
        }

        batch.Clear();
    }

    private static async Task PublishAsync(ClassifiedItem item, IncidentDecision decision, PublishWindow window, CancellationToken cancellationToken)
    {
        var activity = item.Activity;
        activity?.SetTag("outagealerts.incident.decision", decision.Outcome.ToString());
        activity?.SetTag("outagealerts.incident.id", decision.IncidentId);
        if (decision.Alert is { } alert)
        {
            // Started inside the item's span, so that the publish (and the message's trace) descends from the item.
            await window.PublishAsync(item.Key, decision.IncidentId, alert, cancellationToken);
        }
        else
        {
            window.Done(item.Key, decision.IncidentId);
        }

        activity?.Dispose();
    }

    private FeedState Succeeded(FeedOptions feed, FeedState state, DateTimeOffset now)
    {
        if (state.Status != FeedStatus.Active)
        {
            LogFeedRecovered(feed.Name, state.Status, state.ConsecutiveFailures);
        }

        IngestionTelemetry.RecordSuccess(feed.Name, now);
        return state with
        {
            LastSuccess = now,
            LastError = null,
            ConsecutiveFailures = 0,
            ConsecutiveParseFailures = 0,
            Status = FeedStatus.Active,
            StatusReason = null,
            NextPollAfter = null,
        };
    }

    private FeedState FetchFailed(FeedOptions feed, FeedState state, FetchResult fetched, DateTimeOffset now)
    {
        var failures = state.ConsecutiveFailures + 1;
        var backoff = Backoff(failures);
        var error = fetched.Error ?? "fetch failed";
        var wait = backoff;
        var reason = string.Create(CultureInfo.InvariantCulture, $"{failures} consecutive failed poll(s)");
        if (fetched.RetryAfter is { } retryAfter)
        {
            // The server's own request wins over our schedule, within reason; our back-off still applies if longer.
            var honoured = retryAfter < options.Value.MaxRetryAfter ? retryAfter : options.Value.MaxRetryAfter;
            wait = honoured > backoff ? honoured : backoff;
            reason = string.Create(CultureInfo.InvariantCulture, $"HTTP {fetched.HttpStatus} with Retry-After {retryAfter.TotalSeconds:0} s");
            LogRetryAfter(feed.Name, fetched.HttpStatus, retryAfter, now + wait);
        }

        return state with
        {
            LastError = error,
            ConsecutiveFailures = failures,
            Status = FeedStatus.BackingOff,
            StatusReason = string.Create(CultureInfo.InvariantCulture, $"{reason}: not polled before {now + wait:u}"),
            NextPollAfter = now + wait,
        };
    }

    private FeedState ParseFailed(FeedOptions feed, FeedState state, string error, DateTimeOffset now)
    {
        var failures = state.ConsecutiveFailures + 1;
        var parseFailures = state.ConsecutiveParseFailures + 1;
        state = state with { LastError = "parse: " + error, ConsecutiveFailures = failures, ConsecutiveParseFailures = parseFailures };
        if (parseFailures >= options.Value.PauseAfterParseFailures)
        {
            var until = now + options.Value.PauseCooldown;
            LogFeedPaused(feed.Name, parseFailures, until);
            return state with
            {
                Status = FeedStatus.Paused,
                StatusReason = string.Create(
                    CultureInfo.InvariantCulture,
                    $"paused after {parseFailures} consecutive parse failures; retried after {until:u} or when an operator resumes it"),
                NextPollAfter = until,
            };
        }

        var backoff = Backoff(failures);
        return state with
        {
            Status = FeedStatus.BackingOff,
            StatusReason = string.Create(
                CultureInfo.InvariantCulture,
                $"{failures} consecutive failed poll(s), {parseFailures} unparseable: not polled before {now + backoff:u}"),
            NextPollAfter = now + backoff,
        };
    }

    // Exponential in the number of consecutive failures, capped, with ±20 % jitter so that feeds which failed
    // together (one publisher down) spread out when they come back.
    private TimeSpan Backoff(int failures)
    {
        var settings = options.Value;
        var exponent = Math.Min(failures - 1, MaxBackoffExponent);
        var raw = settings.BackoffBase * Math.Pow(2, exponent);
        var capped = raw < settings.MaxBackoff ? raw : settings.MaxBackoff;
#pragma warning disable CA5394 // Jitter needs spread, not unpredictability.
        var jitter = 1 + (((Random.Shared.NextDouble() * 2) - 1) * JitterFraction);
#pragma warning restore CA5394
        return capped * jitter;
    }

    /// <summary>An item classified and waiting for its batch's correlation, with its still open span.</summary>
    private sealed record ClassifiedItem(string Key, ClassifiedReport Report, Activity? Activity);

    private static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..max];

    private const int MaxBackoffExponent = 30;
    private const double JitterFraction = 0.2;

    private static PollOutcome Record(PollOutcome outcome, Activity? activity, FeedOptions feed, string? error = null)
    {
        IngestionTelemetry.Polls.Add(
            1,
            new KeyValuePair<string, object?>("outagealerts.feed.name", feed.Name),
            new KeyValuePair<string, object?>("outagealerts.poll.outcome", outcome.ToString()));
        activity?.SetTag("outagealerts.poll.outcome", outcome.ToString());
        if (error is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error);
        }

        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feed {Feed} was polled by another replica within the last three quarters of its interval; this poll is skipped")]
    private partial void LogPollClaimedElsewhere(string feed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Feed} is disabled ({Reason}); not polling")]
    private partial void LogFeedDisabled(string feed, string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feed {Feed} is {Status} until {NotBefore:u} ({Reason}); skipping this poll")]
    private partial void LogPollDeferred(string feed, FeedStatus status, DateTimeOffset notBefore, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Feed} answered {HttpStatus} with Retry-After {RetryAfter}; next poll after {NotBefore:u}")]
    private partial void LogRetryAfter(string feed, int? httpStatus, TimeSpan retryAfter, DateTimeOffset notBefore);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Feed} paused after {Failures} consecutive parse failures; retried after {Until:u} or when an operator resumes it")]
    private partial void LogFeedPaused(string feed, int failures, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed {Feed} recovered (was {Status} after {Failures} consecutive failures)")]
    private partial void LogFeedRecovered(string feed, FeedStatus status, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Feed} answered 410 Gone at {Url}; disabling it")]
    private partial void LogFeedGone(string feed, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Feed} could not be fetched: {Error}")]
    private partial void LogFetchFailed(string feed, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Correlating {Count} items of feed {Feed} together failed; correlating them one by one")]
    private partial void LogBatchFailed(Exception exception, string feed, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Feed} could not be parsed: {Error}")]
    private partial void LogParseFailed(string feed, string error);
}

internal enum PollOutcome
{
    Ok,
    NotModified,
    Failed,
    ParseFailed,
    Gone,
    Disabled,

    /// <summary>Not fetched: the feed is backing off, rate-limited or paused until a later time.</summary>
    Deferred,
}
