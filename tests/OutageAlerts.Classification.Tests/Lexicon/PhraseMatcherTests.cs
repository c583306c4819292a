using OutageAlerts.Classification.Lexicon;
using OutageAlerts.Classification.Tests.Evaluation;
using OutageAlerts.Classification.Text;

namespace OutageAlerts.Classification.Tests.Lexicon;

public class PhraseMatcherTests
{
    private static List<(int Start, int End, string Term)> Run(PhraseMatcher<string> matcher, string title, string? summary = null)
    {
        var results = new List<TermMatch<string>>();
        matcher.Match(AnalyzedText.Create(title, summary, null), results);
        return results.ConvertAll(m => (m.Start, m.End, m.Payload));
    }

    private static PhraseMatcher<string> MatcherOf(params string[] terms)
    {
        var matcher = new PhraseMatcher<string>();
        foreach (var term in terms)
        {
            matcher.Add(term, term);
        }

        matcher.Freeze();
        return matcher;
    }

    [Fact]
    public void Match_ExactWord_MatchesOnlyTheWholeWord()
    {
        var matcher = MatcherOf("school");

        Assert.Equal([(1, 2, "school")], Run(matcher, "A school and schools and preschool"));
    }

    [Fact]
    public void Match_Stem_MatchesEveryWordStartingWithIt()
    {
        var matcher = MatcherOf("харків*");

        var found = Run(matcher, "Удар по Харкову, у Харківщині та Харків знеструмлено");

        // Харкову changes the stem's vowel (і → о), so only the other two share it.
        Assert.Equal([5, 7], found.Select(f => f.Start));
    }

    [Fact]
    public void Match_Possessive_MatchesFirstAndLaterWords()
    {
        var matcher = MatcherOf("kyiv", "power grid");

        var found = Run(matcher, "Kyiv's mayor said the power grid's damage is wide");

        Assert.Equal([(0, 1, "kyiv"), (4, 6, "power grid")], found);
    }

    [Fact]
    public void Match_NumberPlaceholder_MatchesDigitsFirstAndInside()
    {
        var matcher = MatcherOf("# killed", "killed # people");

        var found = Run(matcher, "12 killed, officials say killed 7 people");

        Assert.Contains((0, 2, "# killed"), found);
        Assert.Contains((5, 8, "killed # people"), found);
        Assert.Equal(2, found.Count);
    }

    [Theory]
    [InlineData("block a", "Block A was hit", 0, 2)]
    [InlineData("block a", "Block A's roof was hit", 0, 2)]
    [InlineData("the city*", "The city's centre", 0, 2)]
    [InlineData("the c*", "The centre", 0, 2)]
    [InlineData("in # homes", "Outages in 300 homes", 1, 4)]
    public void Match_SecondWordShortStemOrNumber_PassesTheSecondWordFilter(string term, string title, int start, int end)
    {
        var matcher = MatcherOf(term, "the cinema");

        Assert.Equal([(start, end, term)], Run(matcher, title));
    }

    [Fact]
    public void Match_TermAcrossSentences_DoesNotMatch()
    {
        var matcher = MatcherOf("power plant");

        Assert.Empty(Run(matcher, "Lights out after the attack on power", "Plant workers were evacuated."));
    }

    [Fact]
    public void Match_SeveralTermsAtOneToken_StemsAndShorterFirstWordsFirstThenAddedOrder()
    {
        var matcher = MatcherOf("substation attacked", "sub*", "substation", "substation*");

        var found = Run(matcher, "Substation attacked");

        Assert.Equal(["sub*", "substation*", "substation attacked", "substation"], found.Select(f => f.Term));
    }

    [Fact]
    public void Match_BeforeFreeze_FreezesItself()
    {
        var matcher = new PhraseMatcher<string>();
        matcher.Add("bus", "bus");

        Assert.Single(Run(matcher, "A bus was hit"));
    }

    [Fact]
    public void Add_AfterFreeze_Throws()
    {
        var matcher = MatcherOf("bus");

        Assert.Throws<InvalidOperationException>(() => matcher.Add("tram", "tram"));
    }

    [Fact]
    public void Match_WordBeyondTheDirectTable_IsFound()
    {
        // 'ა' (Georgian) lies above the root's direct table, so it goes through the root's edge list.
        var matcher = MatcherOf("ქალაქი", "ab");

        Assert.Equal([(1, 2, "ქალაქი")], Run(matcher, "x ქალაქი y"));
    }

    /// <summary>
    /// Guards the trie layout against a change of meaning: every lexicon and the gazetteer, run over the dev set,
    /// must find exactly what a word-by-word comparison of every term at every token finds.
    /// </summary>
    [Fact]
    public void Match_EveryLexiconOverTheDevSet_AgreesWithWordByWordReference()
    {
        var termLists = ClassificationData.Languages
            .Select(l => ClassificationData.Read<LexiconFile>(ClassificationData.LexiconPrefix + l + ".json").Groups.SelectMany(g => g.Terms).ToList())
            .Append(ClassificationData.Read<GazetteerFile>(ClassificationData.GazetteerFileName).Places.SelectMany(p => p.Terms.Values.SelectMany(t => t)).ToList())
            .ToList();
        var texts = EvaluationItem.Load(Path.Combine(AppContext.BaseDirectory, "Evaluation", "dev.jsonl"))
            .Select(i => AnalyzedText.Create(i.Title, i.Summary, null))
            .ToList();

        var compared = 0;
        foreach (var terms in termLists)
        {
            var matcher = MatcherOf([.. terms]);
            var reference = new ReferenceMatcher(terms);
            foreach (var text in texts)
            {
                var results = new List<TermMatch<string>>();
                matcher.Match(text, results);
                var actual = results.ConvertAll(m => (m.Start, m.End, m.Payload)).Order().ToList();
                var expected = reference.Match(text).Order().ToList();

                Assert.Equal(expected, actual);
                compared += expected.Count;
            }
        }

        Assert.True(compared > 1000, $"Only {compared} matches were compared; the corpus or the data files did not load.");
    }

    /// <summary>Tries every term at every token, word by word: slow and plainly right.</summary>
    private sealed class ReferenceMatcher(IEnumerable<string> terms)
    {
        private readonly List<(string Term, PhraseMatcher<string>.PatternWord[] Words)> _patterns =
            [.. terms.Select(t => (t, PhraseMatcher<string>.Split(t))).Where(p => p.Item2.Length > 0)];

        public IEnumerable<(int Start, int End, string Term)> Match(AnalyzedText text)
        {
            var strings = Enumerable.Range(0, text.Tokens.Length).Select(text.StringOf).ToArray();
            for (var i = 0; i < text.Tokens.Length; i++)
            {
                foreach (var (term, words) in _patterns)
                {
                    if (Fits(text, strings, i, words))
                    {
                        yield return (i, i + words.Length, term);
                    }
                }
            }
        }

        private static bool Fits(AnalyzedText text, string[] strings, int start, PhraseMatcher<string>.PatternWord[] words)
        {
            if (!words[0].AnyNumber && words[0].Text.Length == 0)
            {
                return false;
            }

            for (var j = 0; j < words.Length; j++)
            {
                var index = start + j;
                if (index >= text.Tokens.Length || text.Tokens[index].Sentence != text.Tokens[start].Sentence)
                {
                    return false;
                }

                var token = text.Tokens[index];
                var word = words[j];
                if (word.AnyNumber)
                {
                    if (token.Kind != TokenKind.Number)
                    {
                        return false;
                    }

                    continue;
                }

                var s = strings[index];
                var fits = token.Kind == TokenKind.Word
                    && (word.Prefix
                        ? s.StartsWith(word.Text, StringComparison.Ordinal)
                        : s == word.Text || s == word.Text + "'s");
                if (!fits)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
