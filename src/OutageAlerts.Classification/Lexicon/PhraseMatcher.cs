using OutageAlerts.Classification.Text;

namespace OutageAlerts.Classification.Lexicon;

/// <summary>A term found in a text: tokens [<see cref="Start"/>, <see cref="End"/>).</summary>
internal readonly record struct TermMatch<T>(int Start, int End, T Payload)
{
    public int Length => End - Start;
}

/// <summary>
/// Finds multi-word terms in one pass. Terms are space-separated words; a word ending in '*' is a stem
/// that matches any word starting with it ("харків*" matches Харкова, Харківщині), '#' matches a number.
/// The first word is looked up through a character trie, so each token costs one walk over its letters.
/// </summary>
internal sealed class PhraseMatcher<T>
{
    private readonly Node _root = new();
    private readonly List<Pattern> _numberFirst = [];

    public int Count { get; private set; }

    public void Add(string term, T payload)
    {
        var words = Split(term);
        if (words.Length == 0)
        {
            return;
        }

        var pattern = new Pattern(words, payload);
        Count++;
        var first = words[0];
        if (first.AnyNumber)
        {
            _numberFirst.Add(pattern);
            return;
        }

        var node = _root;
        foreach (var c in first.Text)
        {
            node.Children ??= [];
            if (!node.Children.TryGetValue(c, out var next))
            {
                next = new Node();
                node.Children[c] = next;
            }

            node = next;
        }

        if (first.Prefix)
        {
            (node.PrefixPatterns ??= []).Add(pattern);
        }
        else
        {
            (node.ExactPatterns ??= []).Add(pattern);
        }
    }

    public void Match(AnalyzedText text, List<TermMatch<T>> results)
    {
        var tokens = text.Tokens;
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token.Kind == TokenKind.Number)
            {
                foreach (var p in _numberFirst)
                {
                    TryRest(text, i, p, results);
                }

                continue;
            }

            if (token.Kind != TokenKind.Word)
            {
                continue;
            }

            var word = text.TextOf(i);
            var node = _root;
            for (var k = 0; k < word.Length && node.Children is not null; k++)
            {
                node = node.Child(word[k])!;
                if (node is null)
                {
                    break;
                }

                if (node.PrefixPatterns is not null)
                {
                    foreach (var p in node.PrefixPatterns)
                    {
                        TryRest(text, i, p, results);
                    }
                }

                var whole = k == word.Length - 1;
                var possessive = k == word.Length - 3 && word.EndsWith("'s", StringComparison.Ordinal);
                if ((whole || possessive) && node.ExactPatterns is not null)
                {
                    foreach (var p in node.ExactPatterns)
                    {
                        TryRest(text, i, p, results);
                    }
                }
            }
        }
    }

    private static void TryRest(AnalyzedText text, int start, Pattern pattern, List<TermMatch<T>> results)
    {
        var tokens = text.Tokens;
        var words = pattern.Words;
        var sentence = tokens[start].Sentence;
        for (var j = 1; j < words.Length; j++)
        {
            var index = start + j;
            if (index >= tokens.Length || tokens[index].Sentence != sentence)
            {
                return;
            }

            var token = tokens[index];
            var w = words[j];
            if (w.AnyNumber)
            {
                if (token.Kind != TokenKind.Number)
                {
                    return;
                }

                continue;
            }

            if (token.Kind != TokenKind.Word)
            {
                return;
            }

            var span = text.TextOf(index);
            var ok = w.Prefix
                ? span.StartsWith(w.Text, StringComparison.Ordinal)
                : span.SequenceEqual(w.Text) || (span.Length == w.Text.Length + 2 && span.StartsWith(w.Text, StringComparison.Ordinal) && span.EndsWith("'s", StringComparison.Ordinal));
            if (!ok)
            {
                return;
            }
        }

        results.Add(new TermMatch<T>(start, start + words.Length, pattern.Payload));
    }

    internal static PatternWord[] Split(string term)
    {
        var normalized = TextNormalizer.Normalize(term.Trim());
        var parts = normalized.Split([' ', '-', '—'], StringSplitOptions.RemoveEmptyEntries);
        var words = new PatternWord[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var p = parts[i].Trim('"', ',', '.');
            if (p == "#")
            {
                words[i] = new PatternWord(string.Empty, Prefix: false, AnyNumber: true);
            }
            else if (p.EndsWith('*'))
            {
                words[i] = new PatternWord(p.TrimEnd('*'), Prefix: true, AnyNumber: false);
            }
            else
            {
                words[i] = new PatternWord(p, Prefix: false, AnyNumber: false);
            }
        }

        return words;
    }

    internal readonly record struct PatternWord(string Text, bool Prefix, bool AnyNumber);

    private sealed record Pattern(PatternWord[] Words, T Payload);

    /// <summary>
    /// Turns every node's child dictionary into flat arrays (and the root into a table indexed by character)
    /// so that matching, the hot path, walks arrays. Call once after the last <see cref="Add"/>; matching
    /// before that still works through the dictionaries.
    /// </summary>
    public void Freeze() => _root.Freeze(isRoot: true);

    private sealed class Node
    {
        /// <summary>Characters below this index are looked up directly in the root table.</summary>
        private const int DirectTableSize = 0x500;

        private char[]? _keys;
        private Node[]? _next;
        private Node?[]? _table;

        public Dictionary<char, Node>? Children { get; set; }

        public Node? Child(char c)
        {
            if (_table is not null && c < DirectTableSize)
            {
                return _table[c];
            }

            var keys = _keys;
            if (keys is null)
            {
                return Children!.TryGetValue(c, out var n) ? n : null;
            }

            for (var i = 0; i < keys.Length; i++)
            {
                if (keys[i] == c)
                {
                    return _next![i];
                }
            }

            return null;
        }

        public void Freeze(bool isRoot)
        {
            if (Children is null)
            {
                return;
            }

            var keys = new char[Children.Count];
            var next = new Node[Children.Count];
            var i = 0;
            foreach (var (c, child) in Children)
            {
                keys[i] = c;
                next[i] = child;
                i++;
                child.Freeze(isRoot: false);
            }

            if (isRoot)
            {
                var table = new Node?[DirectTableSize];
                for (var k = 0; k < keys.Length; k++)
                {
                    if (keys[k] < DirectTableSize)
                    {
                        table[keys[k]] = next[k];
                    }
                }

                _table = table;
            }

            _next = next;
            _keys = keys;
        }

        public List<Pattern>? ExactPatterns { get; set; }

        public List<Pattern>? PrefixPatterns { get; set; }
    }
}
