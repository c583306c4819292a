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
    /// </summary>
    public static ReportKeys Compute(string? title, string? summary)
    {
        var words = Words(string.Concat(title, "\n", summary)).ToList();
        var folded = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? KeyOf(string word)
        {
            if (!folded.TryGetValue(word, out var key))
            {
                key = Key(word);
                folded.Add(word, key);
            }

            return key;
        }

        // A capitalised word that also appears in lower case is a common word at the start of a sentence; a word like
        // "al-Sardi" starts in lower case but is a name, so only words without any capital letter count as lower case.
        var lowerForms = words.Where(w => !w.Text.Any(char.IsUpper)).Select(w => w.Text).ToHashSet(StringComparer.Ordinal);
        var properAnywhere = words.Where(w => !w.SentenceStart && char.IsUpper(w.Text[0])).Select(w => w.Text.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var proper = new SortedSet<string>(StringComparer.Ordinal);
        var content = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (word, sentenceStart) in words)
        {
            if (word.Length >= MinimumContentTokenLength && KeyOf(word) is { } contentKey)
            {
                content.Add(contentKey);
            }

            if (!char.IsUpper(word[0]))
            {
                continue;
            }

            var lower = word.ToLowerInvariant();
            if (CommonCapitalised.Contains(lower) || lowerForms.Contains(lower) || KeyOf(word) is not { } key)
            {
                continue;
            }

            names.Add(key);
            if (!sentenceStart || properAnywhere.Contains(lower) || IsAcronym(word))
            {
                proper.Add(key);
            }
        }

        return new ReportKeys([.. names], [.. proper], [.. content]);
    }

    private static bool IsAcronym(string word) => word.Length >= 2 && word.Where(char.IsLetter).All(char.IsUpper);

    public static string? Key(string word)
    {
        var folded = Fold(word);
        if (folded.Length < MinimumKeyLength)
        {
            return null;
        }

        return folded.Length <= KeyLength ? folded : folded[..KeyLength];
    }

    /// <summary>Transliterates and folds a word: lower case, Latin letters, y/i, w/v, h/g and doubled letters merged.</summary>
    public static string Fold(string word)
    {
        var folded = new StringBuilder(word.Length + 4);
        foreach (var c in word.ToLowerInvariant())
        {
            foreach (var l in Transliterate(c))
            {
                var f = l switch
                {
                    'y' or 'j' => 'i',
                    'w' => 'v',
                    // Ukrainian г is romanised h (Hryhorov, Kharkiv's kh stays kh→kg on both sides), Russian г is g.
                    'h' => 'g',
                    _ => l,
                };
                if (!char.IsAsciiLetterOrDigit(f))
                {
                    continue;
                }

                if (folded.Length > 0 && folded[^1] == f)
                {
                    continue;
                }

                folded.Append(f);
            }
        }

        return folded.ToString();
    }

    /// <summary>The words of a text, each with whether it opens a sentence (or the title, or the summary).</summary>
    private static IEnumerable<(string Text, bool SentenceStart)> Words(string text)
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
                var word = text[start..i];
                // "Kyiv's" names Kyiv; hyphenated names ("al-Sardi") stay whole.
                var apostrophe = word.IndexOfAny(['\'', '’']);
                if (apostrophe > 0 && word.Length - apostrophe <= 2)
                {
                    word = word[..apostrophe];
                }

                if (word.Length > 0 && !word.All(char.IsDigit))
                {
                    yield return (word, sentenceStart);
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
