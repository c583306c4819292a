using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Tests.Subscriptions;

public sealed class QuietHoursWindowTests
{
    private static readonly TimeZoneInfo Kyiv = TimeZoneInfo.FindSystemTimeZoneById("Europe/Kyiv");

    [Theory]
    [InlineData("22:00-07:00")]
    [InlineData("09:30 - 17:45")]
    [InlineData("00:00-06:00")]
    public void TryParse_TwoDifferentTimes_Parses(string text)
    {
        Assert.True(QuietHoursWindow.TryParse(text, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("22:00")]
    [InlineData("25:00-07:00")]
    [InlineData("07:00-07:00")]
    [InlineData("10pm-7am")]
    [InlineData("22:00-07:00-08:00")]
    public void TryParse_Malformed_Refuses(string text)
    {
        Assert.False(QuietHoursWindow.TryParse(text, out _));
    }

    [Theory]
    [InlineData("2025-11-08T05:00:00Z", false)] // 07:00 Kyiv
    [InlineData("2025-11-08T07:00:00Z", true)] // 09:00 Kyiv: start is inside
    [InlineData("2025-11-08T15:00:00Z", false)] // 17:00 Kyiv: end is outside
    public void Contains_SameDayWindow_UsesLocalTime(string instant, bool expected)
    {
        Assert.True(QuietHoursWindow.TryParse("09:00-17:00", out var window));

        Assert.Equal(expected, window.Contains(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), Kyiv));
    }

    [Fact]
    public void NextEnd_BeforeMidnightInAnOvernightWindow_IsTheNextMorning()
    {
        Assert.True(QuietHoursWindow.TryParse("22:00-07:00", out var window));
        var lateEvening = new DateTimeOffset(2025, 11, 8, 21, 0, 0, TimeSpan.Zero); // 23:00 Kyiv

        Assert.Equal(new DateTimeOffset(2025, 11, 9, 5, 0, 0, TimeSpan.Zero), window.NextEnd(lateEvening, Kyiv));
    }

    [Fact]
    public void NextEnd_OutsideTheWindow_IsNow()
    {
        Assert.True(QuietHoursWindow.TryParse("22:00-07:00", out var window));
        var noon = new DateTimeOffset(2025, 11, 8, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(noon, window.NextEnd(noon, Kyiv));
    }

    [Fact]
    public void NextEnd_EndInsideTheSpringForwardGap_IsTheFirstValidMinuteAfterIt()
    {
        // Kyiv skips 03:00-03:59 on 2025-03-30.
        Assert.True(QuietHoursWindow.TryParse("01:00-03:30", out var window));
        var night = new DateTimeOffset(2025, 3, 29, 23, 30, 0, TimeSpan.Zero); // 01:30 Kyiv, UTC+2

        Assert.Equal(new DateTimeOffset(2025, 3, 30, 1, 0, 0, TimeSpan.Zero), window.NextEnd(night, Kyiv));
    }
}
