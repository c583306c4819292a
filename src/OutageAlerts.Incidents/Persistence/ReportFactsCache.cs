using System.Collections.Concurrent;
using OutageAlerts.Incidents.Correlation;

namespace OutageAlerts.Incidents.Persistence;

/// <summary>
/// Report facts already parsed from the store, by item key, as matching reads them (<see cref="ReportFacts.ForMatching"/>:
/// without the texts an alert is made of). A report's facts are written once and never change, so
/// any process may keep them, whatever other replicas do. Bounded: when full it starts over, so reports of incidents
/// long closed do not stay forever; the open incidents' reports are read again on the next correlation.
/// </summary>
internal sealed class ReportFactsCache
{
    /// <summary>About 10–20 MB of facts at most; far more reports than the open incidents of a busy night.</summary>
    public const int Capacity = 20_000;

    private readonly ConcurrentDictionary<string, ReportFacts> _facts = new(StringComparer.Ordinal);

    // ConcurrentDictionary.Count takes every lock; an approximate count is enough for a bound.
    private int _count;

    public bool TryGet(string itemKey, out ReportFacts facts) => _facts.TryGetValue(itemKey, out facts!);

    public void Add(string itemKey, ReportFacts facts)
    {
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            _facts.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        _facts[itemKey] = facts;
    }
}
