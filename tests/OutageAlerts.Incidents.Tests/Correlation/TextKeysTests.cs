using OutageAlerts.Incidents.Correlation;

namespace OutageAlerts.Incidents.Tests.Correlation;

public sealed class TextKeysTests
{
    [Theory]
    [InlineData("Ternopil", "Тернопіль")]
    [InlineData("Ternopil", "Тернополе")]
    [InlineData("Okhmatdyt", "«Охматдета»")]
    [InlineData("Shostka", "Шостке")]
    [InlineData("Kryvyi", "Кривого")]
    [InlineData("Odesa", "Одесса")]
    public void Key_SameNameInTwoScripts_GivesTheSameKey(string latin, string cyrillic) =>
        Assert.Equal(TextKeys.Key(latin), TextKeys.Key(cyrillic.Trim('«', '»')));

    [Fact]
    public void NameKeys_SentenceStartWordThatAlsoAppearsInLowerCase_IsNotAName()
    {
        var keys = TextKeys.NameKeys("Missile hits Poltava", "A missile struck a block in Poltava. Seven died.");

        Assert.Contains(TextKeys.Key("Poltava"), keys);
        Assert.DoesNotContain(TextKeys.Key("Missile"), keys);
        Assert.DoesNotContain(TextKeys.Key("Seven"), keys);
    }

    [Fact]
    public void ContentKeys_SyndicatedCopyWithSmallEdit_ShareAlmostAll()
    {
        var a = TextKeys.ContentKeys("Drone hits Kupiansk market", "Four vendors were injured when a drone hit the central market.");
        var b = TextKeys.ContentKeys("Drone hits Kupiansk market, four hurt", "Four vendors were injured when a drone hit the central market.");

        var shared = a.Intersect(b).Count();
        Assert.True(shared >= a.Count - 1, $"{shared} of {a.Count}");
    }
}
