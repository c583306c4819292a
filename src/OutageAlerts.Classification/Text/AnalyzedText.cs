namespace OutageAlerts.Classification.Text;

/// <summary>A report after normalisation and tokenisation: the shared input of every later stage.</summary>
internal sealed class AnalyzedText
{
    private AnalyzedText(string normalized, Token[] tokens, int sentenceCount, string language)
    {
        Normalized = normalized;
        Tokens = tokens;
        SentenceCount = sentenceCount;
        Language = language;
    }

    public string Normalized { get; }

    public Token[] Tokens { get; }

    /// <summary>Number of sentences; sentence 0 is the title.</summary>
    public int SentenceCount { get; }

    public string Language { get; }

    public ReadOnlySpan<char> TextOf(int tokenIndex)
    {
        var t = Tokens[tokenIndex];
        return Normalized.AsSpan(t.Start, t.Length);
    }

    public string StringOf(int tokenIndex) => TextOf(tokenIndex).ToString();

    /// <summary>The original-cased words from token <paramref name="start"/> up to <paramref name="end"/> (exclusive).</summary>
    public string Quote(int start, int end) =>
        Normalized[Tokens[start].Start..Tokens[end - 1].End];

    public static AnalyzedText Create(string title, string? summary, string? declaredLanguage)
    {
        var normalized = TextNormalizer.Normalize(title, summary);
        var tokens = new List<Token>(normalized.Length / 5);
        var titleLength = title.Length;
        Tokenizer.Tokenize(normalized, 0, titleLength, 0, tokens);
        var sentences = 1;
        if (normalized.Length > titleLength)
        {
            sentences = Tokenizer.Tokenize(normalized, titleLength, normalized.Length - titleLength, 1, tokens);
        }

        var language = LanguageDetector.Detect(declaredLanguage, normalized);
        return new AnalyzedText(normalized, [.. tokens], Math.Max(sentences, 1), language);
    }
}
