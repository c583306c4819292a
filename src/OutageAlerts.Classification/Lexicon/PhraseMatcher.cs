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
/// <remarks>
/// Terms go into a dictionary-linked trie while they are added; <see cref="Freeze"/> (or the first
/// <see cref="Match"/>) lays it out as arrays of structs in depth-first order, so a walk reads a few
/// neighbouring cache lines instead of chasing an object, a key array and a child array per letter
/// (profiled in session 14: the linked walk cost about 50 ns a letter, 39 % of classification).
/// </remarks>
internal sealed class PhraseMatcher<T>
{
    /// <summary>Characters below this (Latin, Cyrillic and their accented forms) are looked up directly at the root.</summary>
    private const int DirectTableSize = 0x500;

    private const int NoNode = -1;

    private readonly BuildNode _root = new();
    private readonly List<Pattern> _numberFirst = [];
    private Layout? _layout;

    public int Count { get; private set; }

    public void Add(string term, T payload)
    {
        if (_layout is not null)
        {
            throw new InvalidOperationException("Terms cannot be added once the matcher is frozen.");
        }

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
                next = new BuildNode();
                node.Children[c] = next;
            }

            node = next;
        }

        (first.Prefix ? node.PrefixPatterns : node.ExactPatterns).Add(pattern);
    }

    /// <summary>
    /// Lays the trie out for matching. Call once after the last <see cref="Add"/>; otherwise the first
    /// <see cref="Match"/> does it.
    /// </summary>
    public void Freeze() => _layout ??= Layout.Build(_root, _numberFirst);

    /// <summary>
    /// Appends every match to <paramref name="results"/>: by starting token, then shorter first words before
    /// longer ones, stems before exact words, and terms in the order they were added.
    /// </summary>
    public void Match(AnalyzedText text, List<TermMatch<T>> results)
    {
        // Two threads freezing at once build equal layouts; either may win.
        var layout = _layout ??= Layout.Build(_root, _numberFirst);
        var nodes = layout.Nodes;
        var patterns = layout.Patterns;
        var tokens = text.Tokens;
        for (var i = 0; i < tokens.Length; i++)
        {
            var kind = tokens[i].Kind;
            if (kind == TokenKind.Number)
            {
                var afterNumber = NextWordKey(text, i);
                foreach (ref readonly var c in layout.NumberFirst.AsSpan())
                {
                    if ((afterNumber & c.Mask) == c.Key)
                    {
                        TryRest(text, i, c.Pattern, results);
                    }
                }

                continue;
            }

            if (kind != TokenKind.Word)
            {
                continue;
            }

            var word = text.TextOf(i);
            if (word.IsEmpty)
            {
                continue;
            }

            var nextKey = NextWordKey(text, i);
            var last = word.Length - 1;
            var possessiveAt = word.EndsWith("'s", StringComparison.Ordinal) ? word.Length - 3 : NoNode;
            var first = word[0];
            var node = first < DirectTableSize ? layout.RootTable[first] : layout.FindChild(0, first);
            for (var k = 0; node != NoNode; k++)
            {
                ref readonly var n = ref nodes[node];
                for (var p = n.PatternStart; p < n.PatternStart + n.PrefixCount; p++)
                {
                    ref readonly var c = ref patterns[p];
                    if ((nextKey & c.Mask) == c.Key)
                    {
                        TryRest(text, i, c.Pattern, results);
                    }
                }

                if (n.ExactCount != 0 && (k == last || k == possessiveAt))
                {
                    var exactStart = n.PatternStart + n.PrefixCount;
                    for (var p = exactStart; p < exactStart + n.ExactCount; p++)
                    {
                        ref readonly var c = ref patterns[p];
                        if ((nextKey & c.Mask) == c.Key)
                        {
                            TryRest(text, i, c.Pattern, results);
                        }
                    }
                }

                if (k == last || n.EdgeCount == 0)
                {
                    break;
                }

                node = layout.FindChild(node, word[k + 1]);
            }
        }
    }

    /// <summary>The first two characters of the word after token <paramref name="i"/>; 0 when no word follows.</summary>
    private static uint NextWordKey(AnalyzedText text, int i)
    {
        var next = i + 1;
        if (next >= text.Tokens.Length || text.Tokens[next].Kind != TokenKind.Word)
        {
            return 0;
        }

        var word = text.TextOf(next);
        return word.Length switch
        {
            0 => 0,
            1 => word[0],
            _ => word[0] | ((uint)word[1] << 16),
        };
    }

    private static void TryRest(AnalyzedText text, int start, Pattern pattern, List<TermMatch<T>> results)
    {
        var words = pattern.Words;
        if (words.Length == 1)
        {
            results.Add(new TermMatch<T>(start, start + 1, pattern.Payload));
            return;
        }

        var tokens = text.Tokens;
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
    /// A pattern with a cheap test of its second word: the word after the first must start with the characters in
    /// <see cref="Key"/> where <see cref="Mask"/> is set. Function words start many terms ("the city was left",
    /// "the town of", "a passenger"): measured on the dev set, 87 % of full comparisons failed, almost all on the
    /// second word, and this test turns each of those into one comparison of integers.
    /// </summary>
    private readonly record struct Candidate(Pattern Pattern, uint Key, uint Mask)
    {
        public static Candidate Of(Pattern pattern)
        {
            if (pattern.Words.Length < 2 || pattern.Words[1].AnyNumber)
            {
                return new Candidate(pattern, 0, 0);
            }

            // Holds for exact words and stems alike: the word's text is a prefix of every token it matches.
            var text = pattern.Words[1].Text;
            return text.Length switch
            {
                0 => new Candidate(pattern, 0, 0),
                1 => new Candidate(pattern, text[0], 0xFFFF),
                _ => new Candidate(pattern, text[0] | ((uint)text[1] << 16), 0xFFFF_FFFF),
            };
        }
    }

    private sealed class BuildNode
    {
        public Dictionary<char, BuildNode>? Children { get; set; }

        public List<Pattern> ExactPatterns { get; } = [];

        public List<Pattern> PrefixPatterns { get; } = [];
    }

    /// <summary>One trie node: its outgoing edges and its patterns (stems first, then exact words), as ranges.</summary>
    private readonly record struct FlatNode(int EdgeStart, int EdgeCount, int PatternStart, int PrefixCount, int ExactCount);

    private readonly record struct Edge(char Key, int Child);

    /// <summary>The frozen trie. Node 0 is the root; a node's first child, if any, directly follows it.</summary>
    private sealed class Layout
    {
        private Layout(FlatNode[] nodes, Edge[] edges, Candidate[] patterns, int[] rootTable, Candidate[] numberFirst)
        {
            Nodes = nodes;
            Edges = edges;
            Patterns = patterns;
            RootTable = rootTable;
            NumberFirst = numberFirst;
        }

        public FlatNode[] Nodes { get; }

        public Edge[] Edges { get; }

        public Candidate[] Patterns { get; }

        /// <summary>The root's child for each character below <see cref="DirectTableSize"/>, or <see cref="NoNode"/>.</summary>
        public int[] RootTable { get; }

        public Candidate[] NumberFirst { get; }

        public int FindChild(int node, char c)
        {
            ref readonly var n = ref Nodes[node];
            var edges = Edges.AsSpan(n.EdgeStart, n.EdgeCount);

            // Keys are sorted; most nodes have one or two children, so a scan that stops early beats a search.
            foreach (ref readonly var e in edges)
            {
                if (e.Key >= c)
                {
                    return e.Key == c ? e.Child : NoNode;
                }
            }

            return NoNode;
        }

        public static Layout Build(BuildNode root, List<Pattern> numberFirst)
        {
            var nodes = new List<FlatNode>();
            var edges = new List<Edge>();
            var patterns = new List<Candidate>();
            Place(root, nodes, edges, patterns);

            var rootTable = new int[DirectTableSize];
            Array.Fill(rootTable, NoNode);
            var rootNode = nodes[0];
            for (var e = rootNode.EdgeStart; e < rootNode.EdgeStart + rootNode.EdgeCount; e++)
            {
                if (edges[e].Key < DirectTableSize)
                {
                    rootTable[edges[e].Key] = edges[e].Child;
                }
            }

            return new Layout([.. nodes], [.. edges], [.. patterns], rootTable, [.. numberFirst.Select(Candidate.Of)]);
        }

        /// <summary>Numbers <paramref name="node"/> and its subtree depth-first; returns the node's number.</summary>
        private static int Place(BuildNode node, List<FlatNode> nodes, List<Edge> edges, List<Candidate> patterns)
        {
            var index = nodes.Count;
            var children = node.Children is null
                ? []
                : node.Children.OrderBy(c => c.Key).ToArray();
            var edgeStart = edges.Count;
            var patternStart = patterns.Count;
            patterns.AddRange(node.PrefixPatterns.Select(Candidate.Of));
            patterns.AddRange(node.ExactPatterns.Select(Candidate.Of));
            nodes.Add(new FlatNode(edgeStart, children.Length, patternStart, node.PrefixPatterns.Count, node.ExactPatterns.Count));

            // Reserve the edges now so that they sit together; their targets are known once each child is placed.
            foreach (var (key, _) in children)
            {
                edges.Add(new Edge(key, NoNode));
            }

            for (var c = 0; c < children.Length; c++)
            {
                edges[edgeStart + c] = new Edge(children[c].Key, Place(children[c].Value, nodes, edges, patterns));
            }

            return index;
        }
    }
}
