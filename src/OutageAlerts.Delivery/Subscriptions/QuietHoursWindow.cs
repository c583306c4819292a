using System.Globalization;

namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>
/// A daily window of local time, <c>HH:mm-HH:mm</c>, that may run over midnight (<c>22:00-07:00</c>). Start is
/// inside the window, end is not.
/// </summary>
public readonly record struct QuietHoursWindow(TimeOnly Start, TimeOnly End)
{
    public static bool TryParse(string? text, out QuietHoursWindow window)
    {
        window = default;
        var parts = text?.Split('-', StringSplitOptions.TrimEntries);
        if (parts is not { Length: 2 }
            || !TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            || start == end)
        {
            return false;
        }

        window = new QuietHoursWindow(start, end);
        return true;
    }

    /// <summary>Whether the local time of <paramref name="instant"/> falls in the window.</summary>
    public bool Contains(DateTimeOffset instant, TimeZoneInfo zone) =>
        ContainsLocal(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime));

    /// <summary>The first instant at or after <paramref name="instant"/> that is outside the window.</summary>
    public DateTimeOffset NextEnd(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (!Contains(instant, zone))
        {
            return instant;
        }

        var local = TimeZoneInfo.ConvertTime(instant, zone).DateTime;
        var endDate = TimeOnly.FromDateTime(local) < End ? local.Date : local.Date.AddDays(1);
        var endLocal = endDate + End.ToTimeSpan();
        // A daylight-saving gap can swallow the end; the first valid minute after it is the end then.
        while (zone.IsInvalidTime(endLocal))
        {
            endLocal = endLocal.AddMinutes(1);
        }

        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal)).ToUniversalTime();
    }

    private bool ContainsLocal(TimeOnly time) =>
        Start < End ? time >= Start && time < End : time >= Start || time < End;

    public override string ToString() =>
        $"{Start.ToString("HH:mm", CultureInfo.InvariantCulture)}-{End.ToString("HH:mm", CultureInfo.InvariantCulture)}";
}
