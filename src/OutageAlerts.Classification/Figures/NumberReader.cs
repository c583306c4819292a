using System.Globalization;
using OutageAlerts.Classification.Lexicon;
using OutageAlerts.Classification.Text;

namespace OutageAlerts.Classification.Figures;

/// <summary>A number found in the text, spanning tokens [<see cref="Start"/>, <see cref="End"/>).</summary>
internal readonly record struct NumberSpan(int Start, int End, long Value, bool IsYearLike);

/// <summary>Reads numbers written as digits ("200,000", "1.2 million", "50 тис.") or words ("twenty-five", "дванадцяти").</summary>
internal sealed class NumberReader(NumberWords words)
{
    public List<NumberSpan> ReadAll(AnalyzedText text)
    {
        var result = new List<NumberSpan>();
        var tokens = text.Tokens;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (TryRead(text, i, out var span))
            {
                result.Add(span);
                i = span.End - 1;
            }
        }

        return result;
    }

    public bool TryRead(AnalyzedText text, int index, out NumberSpan span)
    {
        span = default;
        var tokens = text.Tokens;
        var token = tokens[index];
        double current;
        var end = index + 1;
        var yearLike = false;
        if (token.Kind == TokenKind.Number)
        {
            var raw = text.TextOf(index);
            if (!TryParseDigits(raw, out current))
            {
                return false;
            }

            yearLike = raw.Length == 4 && current is >= 1900 and <= 2100;
        }
        else if (token.Kind == TokenKind.Word && words.TryWord(text.TextOf(index), out var first))
        {
            current = first;
            while (end < tokens.Length && tokens[end].Kind == TokenKind.Word && tokens[end].Sentence == token.Sentence
                && words.TryWord(text.TextOf(end), out var next) && next < current && Magnitude(next) < Magnitude((long)current))
            {
                current += next;
                end++;
            }
        }
        else if (token.Kind == TokenKind.Word && words.IsStandalone(text.TextOf(index)) && words.TryMultiplier(text.TextOf(index), out var alone))
        {
            current = alone;
        }
        else
        {
            return false;
        }

        double total = 0;
        while (end < tokens.Length && tokens[end].Kind == TokenKind.Word && tokens[end].Sentence == token.Sentence
            && words.TryMultiplier(text.TextOf(end), out var factor))
        {
            if (factor >= 1000)
            {
                total += current * factor;
                current = 0;
            }
            else
            {
                current *= factor;
            }

            yearLike = false;
            end++;
            if (end < tokens.Length && tokens[end].Kind == TokenKind.Word && words.TryWord(text.TextOf(end), out var tail) && tail < factor)
            {
                current += tail;
                end++;
            }
        }

        total += current;
        span = new NumberSpan(index, end, (long)Math.Round(total), yearLike);
        return true;
    }

    private static int Magnitude(long value) => value switch
    {
        < 10 => 0,
        < 100 => 1,
        < 1000 => 2,
        _ => 3,
    };

    internal static bool TryParseDigits(ReadOnlySpan<char> raw, out double value)
    {
        // Separators followed by exactly three digits group thousands; anything else is a decimal point.
        Span<char> buffer = stackalloc char[raw.Length];
        var length = 0;
        var decimalSeen = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (char.IsDigit(c))
            {
                buffer[length++] = c;
                continue;
            }

            var groupLength = 0;
            while (i + 1 + groupLength < raw.Length && char.IsDigit(raw[i + 1 + groupLength]))
            {
                groupLength++;
            }

            if (c == ' ' || (groupLength == 3 && !decimalSeen))
            {
                continue;
            }

            if (decimalSeen)
            {
                break;
            }

            buffer[length++] = '.';
            decimalSeen = true;
        }

        return double.TryParse(buffer[..length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }
}
