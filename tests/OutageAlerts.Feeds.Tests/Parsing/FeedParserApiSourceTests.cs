using System.Text;
using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Feeds.Tests.Parsing;

/// <summary>API sources detected from their content; the full field mapping is in the golden files.</summary>
public sealed class FeedParserApiSourceTests
{
    private readonly FeedParser _parser = new();

    [Fact]
    public void Parse_ReliefWebErrorAnswer_ThrowsWithTheApiMessage()
    {
        const string json = """{"status":403,"error":{"type":"AccessDeniedHttpException","message":"You are not allowed to access this resource."}}""";

        var ex = Assert.Throws<FeedParseException>(() => Parse(json));

        Assert.Contains("AccessDeniedHttpException", ex.Message, StringComparison.Ordinal);
        Assert.Contains("403", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReliefWebEmptyList_IsReliefWebWithNoItems()
    {
        var feed = Parse("""{"time":3,"totalCount":0,"count":0,"data":[]}""");

        Assert.Equal("reliefweb", feed.Format);
        Assert.Empty(feed.Items);
    }

    [Fact]
    public void Parse_ReliefWebSameReportFromTwoQueries_GetsTheSameId()
    {
        const string first = """{"data":[{"id":"5","fields":{"title":"A","url":"https://reliefweb.int/node/5","url_alias":"https://reliefweb.int/report/a"}}]}""";
        const string second = """{"data":[{"id":"5","fields":{"title":"A (revised)","url":"https://reliefweb.int/node/5","url_alias":"https://reliefweb.int/report/a-revised"}}]}""";

        Assert.Equal(Parse(first).Items[0].Id, Parse(second).Items[0].Id);
    }

    [Fact]
    public void Parse_GdeltEmptyObjectFromGdeltHost_IsAnEmptyArticleList()
    {
        var feed = _parser.Parse("{}"u8.ToArray(), "application/json", new Uri("https://api.gdeltproject.org/api/v2/doc/doc?query=x&mode=ArtList&format=json"));

        Assert.Equal("gdelt", feed.Format);
        Assert.Empty(feed.Items);
    }

    [Fact]
    public void Parse_EmptyObjectFromElsewhere_IsNotAFeed()
    {
        Assert.Throws<FeedParseException>(() => _parser.Parse("{}"u8.ToArray(), "application/json", new Uri("https://example.org/feed.json")));
    }

    [Fact]
    public void Parse_GdeltArticleWithoutId_HasNullIdAndLinkForIdentity()
    {
        var feed = Parse("""{"articles":[{"url":"https://a.example/x","title":"T","seendate":"20260101T000000Z"}]}""");

        var item = Assert.Single(feed.Items);
        Assert.Null(item.Id);
        Assert.Equal("https://a.example/x", item.Link);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), item.Published);
    }

    [Fact]
    public void Parse_TelegramReply_KeepsOnlyThePostsOwnText()
    {
        var feed = _parser.Parse(Golden("telegram-channel.html"), "text/html; charset=utf-8", new Uri("https://t.me/s/regional_energy_demo"));

        Assert.Equal("telegram", feed.Format);
        Assert.Equal(2, feed.Items.Count);
        Assert.StartsWith("Update: supply restored to 9 000 customers", feed.Items[1].Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Emergency outages", feed.Items[1].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TelegramLongFirstLine_TitleIsShortenedAtAWord()
    {
        var words = string.Join(' ', Enumerable.Repeat("substation", 40));
        var html = $"""<html><body><div class="tgme_widget_message" data-post="c/1"><div class="tgme_widget_message_text">{words}</div></div></body></html>""";

        var item = Assert.Single(Parse(html).Items);

        Assert.NotNull(item.Title);
        Assert.True(item.Title.Length <= 141, $"Title has {item.Title.Length} characters.");
        Assert.EndsWith("substation…", item.Title, StringComparison.Ordinal);
        Assert.Equal(words, item.Summary);
    }

    [Fact]
    public void Parse_TelegramMessageWithoutTextOrTime_StillYieldsTheItem()
    {
        const string html = """<html><body><div class="tgme_widget_message js-widget_message" data-post="c/7"><a class="tgme_widget_message_photo_wrap" style="background-image:url('https://cdn.example/p.jpg')"></a></div></body></html>""";

        var item = Assert.Single(_parser.Parse(Encoding.UTF8.GetBytes(html), null, new Uri("https://t.me/s/c")).Items);

        Assert.Equal("c/7", item.Id);
        Assert.Equal("https://t.me/c/7", item.Link);
        Assert.Null(item.Title);
        Assert.Null(item.Published);
        Assert.Equal(["https://cdn.example/p.jpg"], item.Enclosures);
    }

    [Fact]
    public void Parse_HtmlPageThatIsNotAChannel_IsRejected()
    {
        Assert.Throws<FeedParseException>(() => Parse("<!DOCTYPE html><html><body><p>Not found</p></body></html>"));
    }

    private ParsedFeed Parse(string text) => _parser.Parse(Encoding.UTF8.GetBytes(text));

    private static byte[] Golden(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Parsing", "Golden", name));
}
