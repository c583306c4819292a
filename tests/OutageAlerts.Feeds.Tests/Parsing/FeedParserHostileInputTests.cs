using System.Text;
using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Feeds.Tests.Parsing;

public sealed class FeedParserHostileInputTests : IDisposable
{
    private readonly FeedParser _parser = new();
    private readonly string _secretPath = Path.Combine(Path.GetTempPath(), $"outagealerts-secret-{Guid.NewGuid():N}.txt");

    public FeedParserHostileInputTests() => File.WriteAllText(_secretPath, "TOP-SECRET-MARKER");

    public void Dispose() => File.Delete(_secretPath);

    [Fact]
    public void Parse_BillionLaughsEntityBomb_DoesNotExpandEntities()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n");
        for (var i = 1; i <= 9; i++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"");
            for (var j = 0; j < 10; j++)
            {
                sb.Append(i == 1 ? "&lol;" : $"&lol{i - 1};");
            }

            sb.Append("\">\n");
        }

        sb.Append("]>\n<rss version=\"2.0\"><channel><title>&lol9;</title><item><title>x</title></item></channel></rss>");

        var feed = _parser.Parse(Encoding.UTF8.GetBytes(sb.ToString()));

        Assert.Single(feed.Items);
        Assert.True(feed.Title is null || feed.Title.Length < 100, $"The entity was expanded: {feed.Title?.Length} characters.");
    }

    [Fact]
    public void Parse_ExternalEntityToLocalFile_NeverReadsTheFile()
    {
        var uri = new Uri(_secretPath).AbsoluteUri;
        var xml = $"""
            <?xml version="1.0"?>
            <!DOCTYPE rss [ <!ENTITY xxe SYSTEM "{uri}"> <!ENTITY % remote SYSTEM "{uri}"> %remote; ]>
            <rss version="2.0"><channel><title>t &xxe;</title>
            <item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>
            """;

        var feed = _parser.Parse(Encoding.UTF8.GetBytes(xml));

        var everything = string.Join("|", feed.Title, feed.Items[0].Title, feed.Items[0].Summary);
        Assert.DoesNotContain("TOP-SECRET-MARKER", everything, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExternalDtdReference_IsIgnored()
    {
        var xml = $"""
            <?xml version="1.0"?>
            <!DOCTYPE rss SYSTEM "{new Uri(_secretPath).AbsoluteUri}">
            <rss version="2.0"><channel><title>Plain</title></channel></rss>
            """;

        var feed = _parser.Parse(Encoding.UTF8.GetBytes(xml));

        Assert.Equal("Plain", feed.Title);
    }

    [Fact]
    public void Parse_InternalEntityWithPlainText_IsExpanded()
    {
        const string xml = """
            <!DOCTYPE rss [ <!ENTITY org "Grid Watch"> ]>
            <rss version="2.0"><channel><title>&org; news</title></channel></rss>
            """;

        Assert.Equal("Grid Watch news", _parser.Parse(Encoding.UTF8.GetBytes(xml)).Title);
    }

    [Fact]
    public void Parse_GarbageBytes_ThrowsFeedParseException()
    {
        var random = new Random(20240322);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        bytes[0] = 0x17;

        Assert.Throws<FeedParseException>(() => _parser.Parse(bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t ")]
    public void Parse_EmptyOrBlankBody_ThrowsFeedParseException(string body)
    {
        var ex = Assert.Throws<FeedParseException>(() => _parser.Parse(Encoding.UTF8.GetBytes(body)));

        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Parse_HtmlPage_ThrowsFeedParseExceptionNamingTheRoot()
    {
        const string html = "<html><head><title>Not a feed</title></head><body><p>Hello</p></body></html>";

        var ex = Assert.Throws<FeedParseException>(() => _parser.Parse(Encoding.UTF8.GetBytes(html)));

        Assert.Contains("<html>", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonThatIsNotAFeed_ThrowsFeedParseException()
    {
        Assert.Throws<FeedParseException>(() => _parser.Parse("{\"hello\": [1, 2, 3]}"u8.ToArray()));
        Assert.Throws<FeedParseException>(() => _parser.Parse("{\"version\": "u8.ToArray()));
    }

    [Fact]
    public void Parse_DeeplyNestedElements_ThrowsFeedParseExceptionWithoutStackOverflow()
    {
        var xml = "<rss><channel>" + string.Concat(Enumerable.Repeat("<x>", 100_000)) + string.Concat(Enumerable.Repeat("</x>", 100_000)) + "</channel></rss>";

        Assert.Throws<FeedParseException>(() => _parser.Parse(Encoding.UTF8.GetBytes(xml)));
    }

    [Fact]
    public void Parse_TruncatedDocument_KeepsTheCompleteItems()
    {
        const string xml = """
            <rss version="2.0"><channel><title>Cut</title>
            <item><title>One</title></item>
            <item><title>Two</title></item>
            <item><title>Thr
            """;

        var feed = _parser.Parse(Encoding.UTF8.GetBytes(xml));

        Assert.Equal("Cut", feed.Title);
        Assert.Equal(["One", "Two"], feed.Items.Take(2).Select(i => i.Title));
    }

    [Fact]
    public void Parse_UndeclaredNamespacePrefixes_StillReadsTheItems()
    {
        const string xml = """
            <rss version="2.0"><channel><title>Sloppy</title>
            <item><title>One</title><dc:creator>Ann</dc:creator><foo:bar>x</foo:bar></item>
            </channel></rss>
            """;

        var feed = _parser.Parse(Encoding.UTF8.GetBytes(xml));

        Assert.Equal("Ann", Assert.Single(feed.Items).Author);
    }

    [Fact]
    public void Parse_ControlCharactersAndBareAmpersands_AreTolerated()
    {
        var xml = "<rss><channel><title>Tom & Jerry\u0001\u000B</title><item><title>A &#1; B</title></item></channel></rss>";

        var feed = _parser.Parse(Encoding.UTF8.GetBytes(xml));

        Assert.Equal("Tom & Jerry", feed.Title);
        Assert.Equal("A B", feed.Items[0].Title);
    }

    [Fact]
    public void Parse_DocumentOverTheSizeLimit_ThrowsFeedParseException()
    {
        var huge = new ReadOnlyMemory<byte>(new byte[FeedParser.MaxDocumentBytes + 1]);

        Assert.Throws<FeedParseException>(() => _parser.Parse(huge));
    }
}
