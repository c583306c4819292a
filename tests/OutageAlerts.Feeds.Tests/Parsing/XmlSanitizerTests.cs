using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Feeds.Tests.Parsing;

public sealed class XmlSanitizerTests
{
    [Theory]
    [InlineData("<a>Київ\u0001 text\uFFFE more \uD83D\uDD25 ok</a>", "<a>Київ text more \uD83D\uDD25 ok</a>")]
    [InlineData("<a>tab\there\r\nnew line\u000B\u000C\u001F end\uFFFF</a>", "<a>tab\there\r\nnew line end</a>")]
    [InlineData("\u0000\uFEFF  <rss>\uE000\uFFFD</rss>", "<rss>\uE000\uFFFD</rss>")]
    public void Sanitize_TextBetweenTags_KeepsWhatXmlAllowsAndDropsTheRest(string xml, string expected)
    {
        Assert.Equal(expected, XmlSanitizer.Sanitize(xml));
    }

    [Fact]
    public void Sanitize_LoneSurrogates_AreDroppedAndPairsKept()
    {
        // Not theory data: attribute strings are stored as UTF-8, where a lone surrogate becomes U+FFFD.
        var xml = "<a>ok \uD800 lone\uDC00 \uD83D\uDD25</a>\uD83D";

        Assert.Equal("<a>ok  lone \uD83D\uDD25</a>", XmlSanitizer.Sanitize(xml));
    }

    [Fact]
    public void Sanitize_CdataAndComments_CopiesMarkupCharactersAndDropsForbiddenOnes()
    {
        var xml = "<a><![CDATA[x < y & z\u0002 \uD83D\uDD25 \uDFFF]]><!-- & \u0003note --></a>";

        Assert.Equal("<a><![CDATA[x < y & z \uD83D\uDD25 ]]><!-- & note --></a>", XmlSanitizer.Sanitize(xml));
    }

    [Fact]
    public void Sanitize_ReferencesBetweenPlainRuns_AreRepairedInPlace()
    {
        Assert.Equal("<a>Тиша&#xA0;та &amp; світло &#x2019; &amp;bogus; &amp;</a>", XmlSanitizer.Sanitize("<a>Тиша&nbsp;та & світло &#146; &bogus; &</a>"));
    }
}
