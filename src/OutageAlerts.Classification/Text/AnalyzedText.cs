namespace OutageAlerts.Classification.Text;

/// <summary>A report after normalisation and tokenisation: the shared input of every later stage.</summary>
internal sealed class AnalyzedText
{
    private const int ScratchCapacity = 256;
    private const int MaxScratchCapacity = 16_384;

    /// <summary>
    /// The tokenizer's working list, one per thread: only the exact-size array leaves <see cref="Create"/>, so a
    /// text costs one token allocation instead of a growing list and its copy (12 % of classification's bytes).
    /// </summary>
    [ThreadStatic]
    private static List<Token>? t_tokens;

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
        var tokens = t_tokens ??= new List<Token>(ScratchCapacity);
        tokens.Clear();
        var titleLength = title.Length;
        Tokenizer.Tokenize(normalized, 0, titleLength, 0, tokens);
        var sentences = 1;
        if (normalized.Length > titleLength)
        {
            sentences = Tokenizer.Tokenize(normalized, titleLength, normalized.Length - titleLength, 1, tokens);
        }

        var language = LanguageDetector.Detect(declaredLanguage, normalized);
        var array = tokens.ToArray();
        if (tokens.Capacity > MaxScratchCapacity)
        {
            // One very long text must not pin a large buffer to the thread for good.
            t_tokens = null;
        }

        return new AnalyzedText(normalized, array, Math.Max(sentences, 1), language);
    }
}
