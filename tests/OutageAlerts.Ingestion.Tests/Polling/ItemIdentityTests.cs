using OutageAlerts.Feeds.Parsing;
using OutageAlerts.Ingestion.Polling;

namespace OutageAlerts.Ingestion.Tests.Polling;

public sealed class ItemIdentityTests
{
    [Fact]
    public void KeyFor_PermalinkGuidsWithTrackingParameters_AreOneItemAcrossFeeds()
    {
        var a = new FeedItem { Id = "https://News.example.org/story/42?utm_source=rss&page=2#comments" };
        var b = new FeedItem { Id = "https://news.example.org/story/42?page=2&utm_medium=feed" };

        Assert.Equal(ItemIdentity.KeyFor("feed-a", a), ItemIdentity.KeyFor("feed-b", b));
    }

    [Fact]
    public void KeyFor_PlainGuidsInTwoFeeds_AreDifferentItems()
    {
        var item = new FeedItem { Id = "1", Link = "https://example.org/a" };

        Assert.NotEqual(ItemIdentity.KeyFor("feed-a", item), ItemIdentity.KeyFor("feed-b", item));
    }

    [Fact]
    public void KeyFor_NoGuid_FallsBackToCanonicalLink()
    {
        var item = new FeedItem { Link = "https://example.org/a?fbclid=xyz" };

        Assert.Equal("link:https://example.org/a", ItemIdentity.KeyFor("feed", item));
    }

    [Fact]
    public void KeyFor_NoGuidNoLink_HashesTheTextSoEqualTextIsOneItem()
    {
        var a = new FeedItem { Title = "Strike on a substation", Summary = "Details." };
        var b = new FeedItem { Title = "Strike on a substation", Summary = "Details." };
        var c = new FeedItem { Title = "Strike on a substation", Summary = "Other details." };

        Assert.Equal(ItemIdentity.KeyFor("x", a), ItemIdentity.KeyFor("y", b));
        Assert.NotEqual(ItemIdentity.KeyFor("x", a), ItemIdentity.KeyFor("x", c));
    }
}
