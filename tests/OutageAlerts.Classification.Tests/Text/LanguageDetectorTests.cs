using OutageAlerts.Classification.Text;

namespace OutageAlerts.Classification.Tests.Text;

public class LanguageDetectorTests
{
    [Theory]
    [InlineData("Missile hits apartment block in Poltava", "en")]
    [InlineData("Ракета влучила в житловий будинок у Полтаві", "uk")]
    [InlineData("Ракета попала в жилой дом в Полтаве, есть погибшие", "ru")]
    [InlineData("Удар по подстанции: без света остались жители", "ru")]
    public void Detect_ByScriptAndLetters_ReturnsLanguage(string text, string expected)
    {
        Assert.Equal(expected, LanguageDetector.Detect(TextNormalizer.Normalize(text)));
    }

    [Fact]
    public void Detect_DeclaredRegionalTag_WinsOverText()
    {
        Assert.Equal("uk", LanguageDetector.Detect("uk-UA", "plain english text"));
    }

    [Fact]
    public void Detect_UnknownDeclaredLanguage_FallsBackToText()
    {
        Assert.Equal("ru", LanguageDetector.Detect("xx", "это русский текст"));
    }
}
