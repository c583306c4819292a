namespace OutageAlerts.Classification.Text;

/// <summary>
/// Splits normalised text into words, numbers and the punctuation that matters for clause boundaries.
/// Hyphenated compounds become separate tokens ("nine-storey" → nine, storey) so each part can be matched.
/// </summary>
internal static class Tokenizer
{
    // Abbreviations whose trailing dot does not end a sentence ("50 тис. абонентів").
    private static readonly HashSet<string> Abbreviations = new(StringComparer.Ordinal)
    {
        "тис", "тыс", "млн", "млрд", "м", "вул", "ул", "ст", "р", "г", "обл", "пров", "просп", "ім", "им",
        "mr", "mrs", "dr", "st", "no", "vs", "gen", "lt", "col", "u.s", "jan", "feb", "aug", "sept", "oct", "nov", "dec",
    };

    /// <summary>Tokenises <paramref name="text"/> (already normalised) starting at sentence index <paramref name="firstSentence"/>.</summary>
    /// <returns>The next free sentence index.</returns>
    public static int Tokenize(string text, int offset, int length, int firstSentence, List<Token> tokens)
    {
        var sentence = firstSentence;
        var sentenceHasTokens = false;
        var i = offset;
        var end = offset + length;
        while (i < end)
        {
            var c = text[i];
            if (char.IsLetter(c))
            {
                var start = i;
                i++;
                while (i < end && (char.IsLetterOrDigit(text[i]) || (text[i] == '\'' && i + 1 < end && char.IsLetter(text[i + 1]))))
                {
                    i++;
                }

                tokens.Add(new Token(start, i - start, TokenKind.Word, sentence));
                sentenceHasTokens = true;
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                i = ScanNumber(text, i, end);
                tokens.Add(new Token(start, i - start, TokenKind.Number, sentence));
                sentenceHasTokens = true;
            }
            else if (c is '.' or '!' or '?' or ';' or '\n' or '…')
            {
                if (c == '.' && IsAbbreviation(text, tokens, offset, i))
                {
                    i++;
                    continue;
                }

                if (sentenceHasTokens)
                {
                    sentence++;
                    sentenceHasTokens = false;
                }

                i++;
            }
            else if (c is ',' or ':' or '—' or '(' or ')' or '"' or '/')
            {
                tokens.Add(new Token(i, 1, TokenKind.Punct, sentence));
                i++;
            }
            else
            {
                i++;
            }
        }

        return sentenceHasTokens ? sentence + 1 : sentence;
    }

    private static int ScanNumber(string text, int i, int end)
    {
        var groupStart = i;
        while (i < end && char.IsDigit(text[i]))
        {
            i++;
        }

        var firstGroupLength = i - groupStart;
        while (i + 1 < end && (text[i] is ',' or '.') && char.IsDigit(text[i + 1]))
        {
            i++;
            while (i < end && char.IsDigit(text[i]))
            {
                i++;
            }
        }

        // "200 000": a space-separated thousands group, only after a short leading group.
        while (firstGroupLength <= 3 && i + 4 <= end && text[i] == ' ' && char.IsDigit(text[i + 1]) && char.IsDigit(text[i + 2]) && char.IsDigit(text[i + 3])
            && (i + 4 == end || !char.IsDigit(text[i + 4])))
        {
            i += 4;
        }

        return i;
    }

    private static bool IsAbbreviation(string text, List<Token> tokens, int offset, int dot)
    {
        // A dot between digits is a decimal point and was consumed by the number scanner already.
        if (tokens.Count == 0)
        {
            return false;
        }

        var last = tokens[^1];
        if (last.End != dot || last.Start < offset || last.Kind != TokenKind.Word)
        {
            return false;
        }

        return Abbreviations.Contains(text.Substring(last.Start, last.Length));
    }
}
