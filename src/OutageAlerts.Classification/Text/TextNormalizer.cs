namespace OutageAlerts.Classification.Text;

/// <summary>
/// Folds case and the typographic variants that feeds mix freely (apostrophes, quotes, dashes, ё) so that
/// lexicon terms are written once. The output keeps the input's length so offsets stay valid.
/// </summary>
internal static class TextNormalizer
{
    public static string Normalize(string text)
    {
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = Fold(source[i]);
            }
        });
    }

    /// <summary>Title and summary joined by a line break (a sentence end), folded in one allocation.</summary>
    public static string Normalize(string title, string? summary)
    {
        if (string.IsNullOrEmpty(summary))
        {
            return Normalize(title);
        }

        return string.Create(title.Length + 1 + summary.Length, (title, summary), static (span, parts) =>
        {
            var (head, body) = parts;
            for (var i = 0; i < head.Length; i++)
            {
                span[i] = Fold(head[i]);
            }

            span[head.Length] = '\n';
            var rest = span[(head.Length + 1)..];
            for (var i = 0; i < body.Length; i++)
            {
                rest[i] = Fold(body[i]);
            }
        });
    }

    public static char Fold(char c) => c switch
    {
        '\u2019' or '\u2018' or '\u02BC' or '\u0060' or '\u00B4' or '\u2032' => '\'',
        '\u00AB' or '\u00BB' or '\u201C' or '\u201D' or '\u201E' => '"',
        '\u2013' or '\u2014' or '\u2212' => '—',
        '\u2010' or '\u2011' => '-',
        '\u00A0' or '\u2009' or '\u202F' or '\u2007' or '\t' or '\r' => ' ',
        'ё' or 'Ё' => 'е',

        // Culture-aware lower-casing is slow per character; the scripts of the three languages fold by offset.
        >= 'A' and <= 'Z' => (char)(c + 32),
        < '\u0080' => c,
        >= '\u0410' and <= '\u042F' => (char)(c + 32),
        >= '\u0430' and <= '\u045F' => c,
        >= '\u0400' and <= '\u040F' => (char)(c + 80),
        '\u0490' => '\u0491',
        _ => char.ToLowerInvariant(c),
    };
}
