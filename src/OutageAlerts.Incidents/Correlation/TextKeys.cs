using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace OutageAlerts.Incidents.Correlation;

/// <summary>
/// Language-neutral keys for comparing report texts: Cyrillic is transliterated and vowels are folded, so
/// "Okhmatdyt", «Охматдит» and «Охматдета» share a key, as do "Ternopil", "Тернопіль" and "Тернополе".
/// </summary>
internal static class TextKeys
{
    /// <summary>Keys are word prefixes: long enough to be distinctive, short enough to absorb case endings.</summary>
    public const int KeyLength = 4;

    private const int MinimumKeyLength = 3;
    private const int MinimumContentTokenLength = 4;

    // Capitalised words that name nothing specific to one event; everything else capitalised is a name.
    private static readonly HashSet<string> CommonCapitalised = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "in", "on", "at", "after", "as", "by", "for", "from", "of", "to", "with", "and", "but",
        "russia", "russian", "russians", "ukraine", "ukrainian", "ukrainians", "moscow", "president", "officials",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
        "april", "may", "june", "july", "august", "september", "october", "november", "december", "un",
        "israel", "israeli", "gaza", "palestinian", "sudan", "sudanese", "yemen", "yemeni", "syria", "syrian",
        "lebanon", "lebanese", "myanmar", "rights", "army", "military", "forces", "government", "ministry",
        "україна", "україни", "росія", "росії", "російські", "у", "в", "на", "після", "внаслідок", "за", "по", "о",
        "россия", "россии", "российские", "после", "во", "с", "со", "из", "как", "что", "утром", "вечером",
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
        "about", "around", "more", "some", "several", "dozens", "rescue", "rescuers", "emergency", "hospital",
        "regional", "local", "city", "state", "residents", "people", "overnight", "earlier", "later",
        "two-thirds", "half", "according", "meanwhile", "also", "however", "there", "this", "that", "it", "its",
        "вони", "він", "вона", "також", "ще", "уже", "вже", "близько", "около", "более", "понад",
        "кількість", "количество", "число", "серед", "среди", "частина", "часть", "місто", "город", "рятувальники",
        "спасатели", "унаслідок", "внаслідок", "попередньо", "предварительно", "поранено", "пошкоджено",
        "зсу", "всу", "дснс", "гсчс", "мчс", "ова", "кмва", "ночью", "вночі", "вранці", "увечері",
        // Titles name an office, not the event: every official is "Governor" or "голова" somewhere.
        "governor", "mayor", "head", "chief", "minister", "spokesman", "spokesperson", "police", "prosecutor",
        "prosecutors", "director", "commander", "deputy", "губернатор", "голова", "мер", "мэр", "глава", "начальник",
        "міністр", "министр", "президент", "міський", "городской", "обласний", "областной",
    };

    /// <summary>Name-like words (capitalised, quoted) folded to keys.</summary>
    public static IReadOnlyList<string> NameKeys(string? title, string? summary) => Compute(title, summary).Names;

    /// <summary>
    /// The names that are certainly names: capitalised where no sentence starts, or written in capitals (acronyms).
    /// A capitalised word at the start of a sentence may be a common word ("Рух транспорту змінено"), which must not
    /// count as a name the two texts disagree on.
    /// </summary>
    public static IReadOnlyList<string> ProperNameKeys(string? title, string? summary) => Compute(title, summary).ProperNames;

    /// <summary>Every word of the text folded to a key: near-identical texts (syndicated copies) share most of them.</summary>
    public static IReadOnlyList<string> ContentKeys(string? title, string? summary) => Compute(title, summary).Content;

    /// <summary>
    /// The three key sets of one text, from one pass over its words, each word folded once (issue 10: computing them
    /// apart split the text three times and folded its words up to five times, a twentieth of the pipeline's time).
    /// Words are ranges of the text and keys are folded on the stack and shared (<see cref="KeyString"/>): only the
    /// capitalised words are copied, so a report costs a few allocations instead of several per word (issue 10: the
    /// keys were 7 % of the pipeline's processor time and its largest allocator).
    /// </summary>
    public static ReportKeys Compute(string? title, string? summary)
    {
        var text = string.Concat(title, "\n", summary);
        var words = new List<WordRange>(Math.Max(16, text.Length / 6));
        CollectWords(text, words);

        var content = new List<string>(words.Count);
        var capitalised = new List<(WordRange Word, string Lower)>();
        foreach (var word in words)
        {
            var span = text.AsSpan(word.Start, word.Length);
            if (word.Length >= MinimumContentTokenLength && Key(span) is { } contentKey)
            {
                content.Add(contentKey);
            }

            if (char.IsUpper(span[0]))
            {
                capitalised.Add((word, span.ToString().ToLowerInvariant()));
            }
        }

        var names = new List<string>(capitalised.Count);
        var proper = new List<string>(capitalised.Count);
        if (capitalised.Count > 0)
        {
            // A capitalised word that also appears in lower case is a common word at the start of a sentence; a word like
            // "al-Sardi" starts in lower case but is a name, so only words without any capital letter count as lower case.
            var forms = new Dictionary<string, (bool InLowerCase, bool ProperSomewhere)>(capitalised.Count, StringComparer.Ordinal);
            foreach (var (word, lower) in capitalised)
            {
                var seen = forms.GetValueOrDefault(lower);
                forms[lower] = (false, seen.ProperSomewhere || !word.SentenceStart);
            }

            var lookup = forms.GetAlternateLookup<ReadOnlySpan<char>>();
            foreach (var word in words)
            {
                var span = text.AsSpan(word.Start, word.Length);
                if (!HasUpper(span) && lookup.TryGetValue(span, out var form))
                {
                    lookup[span] = form with { InLowerCase = true };
                }
            }

            foreach (var (word, lower) in capitalised)
            {
                var span = text.AsSpan(word.Start, word.Length);
                var form = forms[lower];
                if (CommonCapitalised.Contains(lower) || form.InLowerCase || Key(span) is not { } key)
                {
                    continue;
                }

                names.Add(key);
                if (!word.SentenceStart || form.ProperSomewhere || IsAcronym(span))
                {
                    proper.Add(key);
                }
            }
        }

        return new ReportKeys(SortedDistinct(names), SortedDistinct(proper), SortedDistinct(content));
    }

    private static string[] SortedDistinct(List<string> keys)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        keys.Sort(StringComparer.Ordinal);
        var distinct = 1;
        for (var i = 1; i < keys.Count; i++)
        {
            if (!string.Equals(keys[i], keys[distinct - 1], StringComparison.Ordinal))
            {
                keys[distinct++] = keys[i];
            }
        }

        return [.. keys.GetRange(0, distinct)];
    }

    private static bool AllDigits(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (!char.IsDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasUpper(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (char.IsUpper(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAcronym(ReadOnlySpan<char> word)
    {
        if (word.Length < 2)
        {
            return false;
        }

        foreach (var c in word)
        {
            if (char.IsLetter(c) && !char.IsUpper(c))
            {
                return false;
            }
        }

        return true;
    }

    public static string? Key(string word) => Key(word.AsSpan());

    /// <summary>The first <see cref="KeyLength"/> letters of <see cref="Fold"/>, or null when it has fewer than <see cref="MinimumKeyLength"/>.</summary>
    private static string? Key(ReadOnlySpan<char> word)
    {
        Span<char> key = stackalloc char[KeyLength];
        var length = 0;
        foreach (var c in word)
        {
            foreach (var l in Transliterate(char.ToLowerInvariant(c)))
            {
                var f = FoldLetter(l);
                if (!char.IsAsciiLetterOrDigit(f) || (length > 0 && key[length - 1] == f))
                {
                    continue;
                }

                key[length++] = f;
                if (length == KeyLength)
                {
                    return KeyString(key);
                }
            }
        }

        return length < MinimumKeyLength ? null : KeyString(key[..length]);
    }

    /// <summary>Transliterates and folds a word: lower case, Latin letters, y/i, w/v, h/g and doubled letters merged.</summary>
    public static string Fold(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var folded = new StringBuilder(word.Length + 4);
        foreach (var c in word.ToLowerInvariant())
        {
            foreach (var l in Transliterate(c))
            {
                var f = FoldLetter(l);
                if (!char.IsAsciiLetterOrDigit(f) || (folded.Length > 0 && folded[^1] == f))
                {
                    continue;
                }

                folded.Append(f);
            }
        }

        return folded.ToString();
    }

    private static char FoldLetter(char l) => l switch
    {
        'y' or 'j' => 'i',
        'w' => 'v',
        // Ukrainian г is romanised h (Hryhorov, Kharkiv's kh stays kh→kg on both sides), Russian г is g.
        'h' => 'g',
        _ => l,
    };

    // Keys are at most four ASCII letters or digits: one number each, so a key is made once and then shared by every
    // report that has it (bounded: started over if a flood of distinct words ever filled it).
    private const int MaxSharedKeys = 200_000;
    private static readonly ConcurrentDictionary<uint, string> SharedKeys = new();

    /// <summary>
    /// The shared instance of a key read back from the store (<see cref="SharedKeyListConverter"/>): the open
    /// incidents' facts stay cached, and their keys are mostly the same few thousand words.
    /// </summary>
    internal static string Share(ReadOnlySpan<char> key)
    {
        // Only what Key makes has a code of its own; anything else (a key written by another version) is copied.
        if (key.Length is < 1 or > 4 || !System.Text.Ascii.IsValid(key))
        {
            return key.ToString();
        }

        return KeyString(key);
    }

    private static string KeyString(ReadOnlySpan<char> key)
    {
        var code = (uint)key.Length;
        foreach (var c in key)
        {
            code = (code << 7) | c;
        }

        if (SharedKeys.TryGetValue(code, out var shared))
        {
            return shared;
        }

        if (SharedKeys.Count >= MaxSharedKeys)
        {
            SharedKeys.Clear();
        }

        return SharedKeys.GetOrAdd(code, key.ToString());
    }

    /// <summary>A word of a text: where it is, and whether it opens a sentence (or the title, or the summary).</summary>
    private readonly record struct WordRange(int Start, int Length, bool SentenceStart);

    private static void CollectWords(string text, List<WordRange> words)
    {
        var start = -1;
        var sentenceStart = true;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && (char.IsLetterOrDigit(text[i]) || (text[i] is '\'' or '’' or '-' && start >= 0 && i + 1 < text.Length && char.IsLetter(text[i + 1])));
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                var word = text.AsSpan(start, i - start);
                // "Kyiv's" names Kyiv; hyphenated names ("al-Sardi") stay whole.
                var apostrophe = word.IndexOfAny('\'', '’');
                if (apostrophe > 0 && word.Length - apostrophe <= 2)
                {
                    word = word[..apostrophe];
                }

                if (word.Length > 0 && !AllDigits(word))
                {
                    words.Add(new WordRange(start, word.Length, sentenceStart));
                }

                start = -1;
                sentenceStart = false;
            }

            if (i < text.Length && text[i] is '.' or '!' or '?' or '…' or '\n' && start < 0)
            {
                sentenceStart = true;
            }
        }
    }

    // The single-character strings of ASCII, so that a Latin letter is not normalised (and allocated) each time.
    private static readonly string[] Ascii = [.. Enumerable.Range(0, 128).Select(i => ((char)i).ToString())];

    private static string Transliterate(char c) => c < 128 ? Ascii[c] : c switch
    {
        'а' => "a", 'б' => "b", 'в' => "v", 'г' or 'ґ' => "g", 'д' => "d", 'е' or 'є' or 'ё' or 'э' => "e",
        'ж' => "zh", 'з' => "z", 'и' or 'і' or 'ї' or 'й' or 'ы' => "i", 'к' => "k", 'л' => "l", 'м' => "m",
        'н' => "n", 'о' => "o", 'п' => "p", 'р' => "r", 'с' => "s", 'т' => "t", 'у' => "u", 'ф' => "f",
        'х' => "kh", 'ц' => "ts", 'ч' => "ch", 'ш' => "sh", 'щ' => "shch", 'ъ' or 'ь' => "", 'ю' => "iu",
        'я' => "ia",
        _ => RemoveDiacritics(c),
    };

    private static string RemoveDiacritics(char c)
    {
        var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var d in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark)
            {
                kept.Append(d);
            }
        }

        return kept.ToString();
    }
}

/// <summary>The keys of one report text; see <see cref="TextKeys"/>.</summary>
internal sealed record ReportKeys(IReadOnlyList<string> Names, IReadOnlyList<string> ProperNames, IReadOnlyList<string> Content);
