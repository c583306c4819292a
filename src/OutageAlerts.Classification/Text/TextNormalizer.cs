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

    public static char Fold(char c) => c switch
    {
        '\u2019' or '\u2018' or '\u02BC' or '\u0060' or '\u00B4' or '\u2032' => '\'',
        '\u00AB' or '\u00BB' or '\u201C' or '\u201D' or '\u201E' => '"',
        '\u2013' or '\u2014' or '\u2212' => '—',
        '\u2010' or '\u2011' => '-',
        '\u00A0' or '\u2009' or '\u202F' or '\u2007' or '\t' or '\r' => ' ',
        'ё' or 'Ё' => 'е',
        _ => char.ToLowerInvariant(c),
    };
}
