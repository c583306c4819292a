namespace OutageAlerts.Classification.Lexicon;

/// <summary>Number words of every language, merged: the forms do not collide across en/uk/ru.</summary>
internal sealed class NumberWords
{
    private readonly Dictionary<string, long> _words = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _multipliers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _standalone = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _wordLookup;
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _multiplierLookup;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _standaloneLookup;

    public NumberWords(NumbersFile file)
    {
        foreach (var language in file.Languages.Values)
        {
            foreach (var (word, value) in language.Words)
            {
                _words[Text.TextNormalizer.Normalize(word)] = value;
            }

            foreach (var (word, value) in language.Multipliers)
            {
                _multipliers[Text.TextNormalizer.Normalize(word)] = value;
            }

            foreach (var word in language.Standalone)
            {
                _standalone.Add(Text.TextNormalizer.Normalize(word));
            }
        }

        _wordLookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
        _multiplierLookup = _multipliers.GetAlternateLookup<ReadOnlySpan<char>>();
        _standaloneLookup = _standalone.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _words.Count;

    public bool TryWord(ReadOnlySpan<char> word, out long value) => _wordLookup.TryGetValue(word, out value);

    public bool TryMultiplier(ReadOnlySpan<char> word, out long value) => _multiplierLookup.TryGetValue(word, out value);

    public bool IsStandalone(ReadOnlySpan<char> word) => _standaloneLookup.Contains(word);
}
