using OutageAlerts.Classification.Text;

namespace OutageAlerts.Classification.Tests.Text;

public class TokenizerTests
{
    private static List<string> Words(string text)
    {
        var analyzed = AnalyzedText.Create(text, null, null);
        return analyzed.Tokens.Where(t => t.Kind != TokenKind.Punct).Select(t => analyzed.Normalized.Substring(t.Start, t.Length)).ToList();
    }

    [Fact]
    public void Tokenize_HyphenatedCompound_SplitsIntoParts()
    {
        Assert.Equal(["a", "nine", "storey", "block", "kh", "22"], Words("A nine-storey block Kh-22"));
    }

    [Fact]
    public void Tokenize_ThousandsSeparators_KeepOneNumberToken()
    {
        Assert.Equal(["200,000", "and", "200 000", "and", "1.2"], Words("200,000 and 200 000 and 1.2"));
    }

    [Fact]
    public void Tokenize_UkrainianApostrophe_StaysInsideWord()
    {
        Assert.Equal(["п'ять", "об'єктів"], Words("П’ять обʼєктів"));
    }

    [Fact]
    public void Tokenize_AbbreviationDot_DoesNotEndSentence()
    {
        var text = AnalyzedText.Create("Заголовок", "Без світла 50 тис. абонентів. Друге речення.", null);
        var abonents = Array.FindIndex(text.Tokens, t => text.Normalized.Substring(t.Start, t.Length) == "абонентів");
        Assert.Equal(1, text.Tokens[abonents].Sentence);
        Assert.Equal(3, text.SentenceCount);
    }

    [Fact]
    public void Normalize_FoldsYoAndQuotes()
    {
        Assert.Equal("ещ\"е\"", TextNormalizer.Normalize("Ещ«Ё»"));
    }
}
