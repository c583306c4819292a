using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Feeds.Tests.Parsing;

public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("<p>One</p><p>Two</p>", "One Two")]
    [InlineData("Big<b>gest</b> news", "Biggest news")]
    [InlineData("a<br/>b", "a b")]
    [InlineData("1 < 2 &amp;&amp; 3 > 2", "1 < 2 && 3 > 2")]
    [InlineData("<img alt=\"a > b\" src=x.png>after", "after")]
    [InlineData("x<script>var a = '<p>';</script>y", "xy")]
    [InlineData("<!-- hidden -->shown", "shown")]
    [InlineData("caf&eacute;&nbsp;&#8212;&#x2014;", "café ——")]
    [InlineData("don&#146;t", "don\u2019t")]
    [InlineData("   lots \n\n of\tspace  ", "lots of space")]
    [InlineData("â€œquotedâ€\u009d", "\u201Cquoted\u201D")]
    public void FromHtml_Markup_ReturnsPlainText(string html, string expected) =>
        Assert.Equal(expected, HtmlText.FromHtml(html));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("<p> </p>")]
    public void FromHtml_NoText_ReturnsNull(string? html) => Assert.Null(HtmlText.FromHtml(html));
}
