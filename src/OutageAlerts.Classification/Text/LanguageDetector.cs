namespace OutageAlerts.Classification.Text;

/// <summary>
/// Decides en/uk/ru from the script and the letters only one of the two Cyrillic languages uses
/// (uk: і ї є ґ; ru: ы э ъ). A declared language wins when it is one the engine knows.
/// </summary>
internal static class LanguageDetector
{
    public const string English = "en";
    public const string Ukrainian = "uk";
    public const string Russian = "ru";

    public static string Detect(string? declared, string normalizedText)
    {
        if (!string.IsNullOrWhiteSpace(declared) && declared.Length >= 2)
        {
            var code = declared.AsSpan(0, 2);
            if (code.Equals(English, StringComparison.OrdinalIgnoreCase))
            {
                return English;
            }

            if (code.Equals(Ukrainian, StringComparison.OrdinalIgnoreCase))
            {
                return Ukrainian;
            }

            if (code.Equals(Russian, StringComparison.OrdinalIgnoreCase))
            {
                return Russian;
            }
        }

        return Detect(normalizedText);
    }

    public static string Detect(string normalizedText)
    {
        int latin = 0, cyrillic = 0, ukrainian = 0, russian = 0;
        foreach (var c in normalizedText)
        {
            if (c is >= 'a' and <= 'z')
            {
                latin++;
            }
            else if (c is >= '\u0400' and <= '\u04FF')
            {
                cyrillic++;
                switch (c)
                {
                    case 'і' or 'ї' or 'є' or 'ґ':
                        ukrainian++;
                        break;
                    case 'ы' or 'э' or 'ъ':
                        russian++;
                        break;
                }
            }
        }

        if (latin >= cyrillic)
        {
            return English;
        }

        if (ukrainian != russian)
        {
            return ukrainian > russian ? Ukrainian : Russian;
        }

        // "Херсон: снаряд влучив у зупинку" has no letter of its own: short function words decide.
        return FunctionWordBalance(normalizedText) > 0 ? Ukrainian : Russian;
    }

    private static readonly HashSet<string> UkrainianWords = new(StringComparer.Ordinal) { "у", "та", "що", "й", "від", "зі", "із", "це", "як" };
    private static readonly HashSet<string> RussianWords = new(StringComparer.Ordinal) { "и", "что", "это", "от", "из", "со", "как", "во" };

    /// <summary>Ukrainian minus Russian function words (both lists hold words the other language does not use alone).</summary>
    private static int FunctionWordBalance(string text)
    {
        var balance = 0;
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var letter = i < text.Length && text[i] is >= '\u0400' and <= '\u04FF';
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                var word = text[start..i];
                if (UkrainianWords.Contains(word))
                {
                    balance++;
                }
                else if (RussianWords.Contains(word))
                {
                    balance--;
                }

                start = -1;
            }
        }

        return balance;
    }
}
