using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutageAlerts.Ingestion.Configuration;
using Quartz;

namespace OutageAlerts.Ingestion.Polling;

/// <summary>The Quartz job for one feed; the feed's name is the job key and is carried in the job data.</summary>
[DisallowConcurrentExecution]
internal sealed partial class PollFeedJob(FeedPoller poller, IOptions<FeedList> feeds, ILogger<PollFeedJob> logger) : IJob
{
    public const string FeedNameKey = "feed";
    public const string Group = "feeds";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var name = context.MergedJobDataMap.GetString(FeedNameKey);
        var feed = feeds.Value.Feeds.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
        if (feed is null)
        {
            LogUnknownFeed(name);
            return;
        }

        try
        {
            await poller.PollAsync(feed, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the item being processed was not recorded as seen and will be retried next start.
        }
#pragma warning disable CA1031 // One feed's failure (store or broker down) must not end its schedule.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPollCrashed(ex, feed.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No configured feed named {Feed}; skipping")]
    private partial void LogUnknownFeed(string? feed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling feed {Feed} failed; it will be polled again on schedule")]
    private partial void LogPollCrashed(Exception exception, string feed);
}
