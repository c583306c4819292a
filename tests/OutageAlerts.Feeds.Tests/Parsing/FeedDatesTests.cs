using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Feeds.Tests.Parsing;

public sealed class FeedDatesTests
{
    [Theory]
    [InlineData("Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z")]
    [InlineData("Thu, 01 Jan 2004 19:48:21 +0000", "2004-01-01T19:48:21Z")]
    [InlineData("Thu, 01 Jan 2004 14:48:21 EST", "2004-01-01T19:48:21Z")]
    [InlineData("Thu, 01 Jul 2004 15:48:21 EDT", "2004-07-01T19:48:21Z")]
    [InlineData("Thu, 01 Jan 2004 11:48:21 PST", "2004-01-01T19:48:21Z")]
    [InlineData("Thu, 1 Jan 2004 19:48 GMT", "2004-01-01T19:48:00Z")]
    [InlineData("Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z")]
    [InlineData("01 Jan 99 19:48:21 GMT", "1999-01-01T19:48:21Z")]
    [InlineData("Mon, 15 Jan 2024 04:20:00 +0200", "2024-01-15T02:20:00Z")]
    [InlineData("Tue, 16 Jan 2024 10:00:00 MSK", "2024-01-16T07:00:00Z")]
    [InlineData("Wed, 31 Dec 2003 10:14:55 -0500 (EST)", "2003-12-31T15:14:55Z")]
    [InlineData("Thursday, 01 January 2004 19:48:21 GMT", "2004-01-01T19:48:21Z")]
    [InlineData("Jan 01 2004 19:48:21 GMT", "2004-01-01T19:48:21Z")]
    [InlineData("Thu Jan  1 19:48:21 2004", "2004-01-01T19:48:21Z")]
    [InlineData("2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z")]
    [InlineData("2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z")]
    [InlineData("2003-12-31T10:14:55.123+01:00", "2003-12-31T09:14:55.123Z")]
    [InlineData("2003-12-31T10:14:55", "2003-12-31T10:14:55Z")]
    [InlineData("2003-12-31T10:14Z", "2003-12-31T10:14:00Z")]
    [InlineData("2003-12-31 10:14:55", "2003-12-31T10:14:55Z")]
    [InlineData("2003-12-31", "2003-12-31T00:00:00Z")]
    [InlineData("20031231T101455Z", "2003-12-31T10:14:55Z")]
    [InlineData("2003", "2003-01-01T00:00:00Z")]
    public void Parse_KnownFormat_ReturnsUtc(string input, string expected)
    {
        var parsed = FeedDates.Parse(input);

        Assert.NotNull(parsed);
        Assert.Equal(TimeSpan.Zero, parsed.Value.Offset);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), parsed.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sometime last week")]
    [InlineData("Thu, 31 Feb 2004 10:00:00 GMT")]
    [InlineData("2004-13-45T99:99:99Z")]
    public void Parse_Unreadable_ReturnsNull(string? input) => Assert.Null(FeedDates.Parse(input));
}
