using System.Diagnostics;
using OutageAlerts.Classification;

namespace OutageAlerts.Incidents;

/// <summary>A feed item with the engine's assessment, the unit that correlation works on.</summary>
/// <param name="Feed">The configured feed's name.</param>
/// <param name="ItemKey">The item's identity across polls and feeds (guid/id, canonical link or content hash).</param>
/// <param name="ItemId">The item's guid/id as the feed gave it (or the key when it gave none).</param>
/// <param name="FetchedAt">When ingestion fetched the item; alert latency is measured from here.</param>
public sealed record ClassifiedReport(
    string Feed,
    string ItemKey,
    string ItemId,
    string? Url,
    Report Report,
    Assessment Assessment,
    DateTimeOffset FetchedAt)
{
    /// <summary>
    /// The span the report's correlation belongs under (its item's), for reports correlated together; by default the
    /// caller's current activity.
    /// </summary>
    public ActivityContext ParentSpan { get; init; }
}
