using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Sms;

namespace OutageAlerts.Delivery.Tests.Sms;

public class SmsSegmentsTests
{
    [Theory]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void Measure_LatinText_CountsGsm7Segments(int length, int segments)
    {
        var size = SmsSegments.Measure(new string('a', length));

        Assert.Equal(SmsEncoding.Gsm7, size.Encoding);
        Assert.Equal(segments, size.Segments);
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Measure_CyrillicText_CountsUcs2Segments(int length, int segments)
    {
        var size = SmsSegments.Measure(new string('ї', length));

        Assert.Equal(SmsEncoding.Ucs2, size.Encoding);
        Assert.Equal(segments, size.Segments);
    }

    [Fact]
    public void Measure_ExtensionCharacters_TakeTwoUnits()
    {
        var size = SmsSegments.Measure("[€]" + new string('a', 155));

        Assert.Equal(SmsEncoding.Gsm7, size.Encoding);
        Assert.Equal(161, size.Units);
        Assert.Equal(2, size.Segments);
    }

    [Fact]
    public void Measure_EmDash_ForcesUcs2()
    {
        Assert.Equal(SmsEncoding.Ucs2, SmsSegments.Measure("Strike — Kharkiv").Encoding);
    }

    [Fact]
    public void Compose_EnglishAlert_FitsOneGsm7SegmentWithLink()
    {
        var text = SmsComposer.Compose(new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty"));

        var size = SmsSegments.Measure(text);
        Assert.Equal(SmsEncoding.Gsm7, size.Encoding);
        Assert.Equal(1, size.Segments);
        Assert.StartsWith("SEVERE: Drone strike on energy infrastructure - Kharkiv oblast (UA-63). 2 injured.", text, StringComparison.Ordinal);
        Assert.EndsWith(" https://news.example.org/wire/1001", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_UkrainianAlert_FitsTwoUcs2SegmentsWithLink()
    {
        var text = SmsComposer.Compose(new SmsDelivery(AlertEventKind.Raised, SampleAlerts.KyivInUkrainian(), "duty"));

        var size = SmsSegments.Measure(text);
        Assert.Equal(SmsEncoding.Ucs2, size.Encoding);
        Assert.True(size.Segments <= 2, text);
        Assert.StartsWith("SEVERE: Удар по енергетичній інфраструктурі та теплопостачанню - ", text, StringComparison.Ordinal);
        Assert.Contains("UA-30", text, StringComparison.Ordinal);
        Assert.Contains("загинули: 3", text, StringComparison.Ordinal);
        Assert.EndsWith(" https://news.example.org/wire/1001", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_UkrainianAlertEnglishSubscriber_IsGsm7()
    {
        var text = SmsComposer.Compose(new SmsDelivery(AlertEventKind.Raised, SampleAlerts.KyivInUkrainian(), "duty"), language: "en");

        Assert.Equal(SmsEncoding.Gsm7, SmsSegments.Measure(text).Encoding);
        Assert.Contains("Kyiv city (UA-30)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("uk")]
    public void Compose_VeryLongWords_StillFitsAndKeepsLink(string language)
    {
        var alert = SampleAlerts.Kharkiv(severity: Severity.Extreme) with
        {
            Event = new string('x', 300),
            Targets = ["power_grid", "heating", "water", "gas", "residential", "education", "medical"],
            Regions = ["UA-63", "UA-59", "UA-14", "UA-12", "UA-23", "UA-65"],
            Killed = 120,
            Injured = 340,
            OutageCustomers = 1_200_000,
        };

        var text = SmsComposer.Compose(new SmsDelivery(AlertEventKind.Updated, alert, "duty"), language);

        Assert.True(SmsComposer.Fits(text), text);
        Assert.EndsWith(" https://news.example.org/wire/1001", text, StringComparison.Ordinal);
    }
}
