namespace OutageAlerts.Incidents.Tests.Evaluation;

/// <summary>
/// Moves whole incidents (keeping the hours between their reports) so they all start on a few nights, as on a
/// wave of attacks: time alone then cannot tell them apart. Negatives are scattered over the same days.
/// </summary>
public static class TimelinePacker
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<LabelledItem> Pack(IReadOnlyList<LabelledItem> items, int days, int seed)
    {
        var random = new Random(seed);
        var shifts = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var incident in items.Where(i => i.Expect.Incident is not null).GroupBy(i => i.Expect.Incident!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // Attack nights: first reports between midnight and 07:00.
            var first = incident.Min(i => i.Published);
            var target = Start.AddDays(random.Next(days)).AddMinutes(random.Next(7 * 60));
            shifts[incident.Key] = target - first;
        }

        return
        [
            .. items.Select(item => item.Expect.Incident is { } id
                ? item with { Published = item.Published + shifts[id] }
                : item with { Published = Start.AddMinutes(random.Next(days * 24 * 60)) }),
        ];
    }
}
