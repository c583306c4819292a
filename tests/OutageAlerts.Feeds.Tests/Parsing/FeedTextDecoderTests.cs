using System.Text;
using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Feeds.Tests.Parsing;

public sealed class FeedTextDecoderTests
{
    private const string Ukrainian = "<rss><channel><title>Знеструмлено підстанцію в області</title></channel></rss>";
    private const string Russian = "<rss><channel><title>Повреждена линия электропередачи</title></channel></rss>";

    static FeedTextDecoderTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public void Decode_UndeclaredWindows1251_GuessesWindows1251()
    {
        var (text, _) = FeedTextDecoder.Decode(Encoding.GetEncoding(1251).GetBytes(Ukrainian), null);

        Assert.Equal(Ukrainian, text);
    }

    [Fact]
    public void Decode_UndeclaredKoi8R_GuessesKoi8R()
    {
        var (text, _) = FeedTextDecoder.Decode(Encoding.GetEncoding("koi8-r").GetBytes(Russian), null);

        Assert.Equal(Russian, text);
    }

    [Fact]
    public void Decode_HttpCharset_WinsOverXmlDeclaration()
    {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>" + Russian;

        var (text, _) = FeedTextDecoder.Decode(Encoding.GetEncoding(1251).GetBytes(xml), "application/rss+xml; charset=windows-1251");

        Assert.Equal(xml, text);
    }

    [Fact]
    public void Decode_HttpCharsetContradictedByBytes_FallsBackToDeclaration()
    {
        var xml = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>" + Russian;

        var (text, _) = FeedTextDecoder.Decode(Encoding.GetEncoding(1251).GetBytes(xml), "text/xml; charset=utf-8");

        Assert.Equal(xml, text);
    }

    [Fact]
    public void Decode_Latin1DeclaredWithSmartQuotes_ReadsWindows1252()
    {
        var bytes = Encoding.ASCII.GetBytes("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><t>don\u0001t</t>");
        bytes[Array.IndexOf(bytes, (byte)1)] = 0x92;

        var (text, _) = FeedTextDecoder.Decode(bytes, null);

        Assert.Contains("don\u2019t", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    [InlineData("utf-32")]
    public void Decode_ByteOrderMark_IsHonoured(string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(Russian)).ToArray();

        var (text, _) = FeedTextDecoder.Decode(bytes, "text/xml; charset=iso-8859-1");

        Assert.Equal(Russian, text);
    }

    [Fact]
    public void Decode_MostlyValidUtf8WithAStrayByte_KeepsUtf8()
    {
        var good = Encoding.UTF8.GetBytes("<t>" + string.Concat(Enumerable.Repeat("Київ ", 20)) + "</t>");
        var bytes = good.Take(10).Append((byte)0xFF).Concat(good.Skip(10)).ToArray();

        var (text, _) = FeedTextDecoder.Decode(bytes, null);

        Assert.Contains("Київ Київ", text, StringComparison.Ordinal);
    }
}
