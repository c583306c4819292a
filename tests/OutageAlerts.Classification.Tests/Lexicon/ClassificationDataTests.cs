using OutageAlerts.Classification.Lexicon;

namespace OutageAlerts.Classification.Tests.Lexicon;

public class ClassificationDataTests
{
    [Fact]
    public void Load_EmbeddedFiles_HaveEveryLanguage()
    {
        var data = TestEngine.Data;
        Assert.All(ClassificationData.Languages, l => Assert.True(data.Lexicons[l].Count > 500, l));
        Assert.True(data.Places.Count > 50);
        Assert.True(data.Numbers.Count > 200);
    }

    [Fact]
    public void Load_DataDirectory_OverridesEmbeddedFile()
    {
        var dir = Directory.CreateTempSubdirectory("oa-lexicon");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "lexicon-en.json"), """
                {"language":"en","groups":[
                  {"kind":"attack","values":["strong"],"terms":["zorg ray"]},
                  {"kind":"target","values":["residential"],"terms":["house"]},
                  {"kind":"hit","terms":["damaged"]}]}
                """);
            var classifier = StrikeClassifier.Create(dir.FullName);
            var a = classifier.Classify(new Report("x", "Zorg ray damaged a house in Poltava", null));
            Assert.True(a.Alert, string.Join(" | ", a.Reasons));
            Assert.Equal("UA-53", a.Region);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void BuildLexicon_UnknownKind_FailsNamingIt()
    {
        var file = new LexiconFile { Language = "en", Groups = [new LexiconGroup { Kind = "nonsense", Terms = ["x"] }] };
        var ex = Assert.Throws<InvalidDataException>(() => ClassificationData.BuildLexicon(file));
        Assert.Contains("nonsense", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_StemPattern_MatchesInflections()
    {
        var matcher = new PhraseMatcher<string>();
        matcher.Add("підстанці*", "substation");
        var text = Classification.Text.AnalyzedText.Create("Пошкоджено підстанцію та дві підстанції", null, null);
        var results = new List<TermMatch<string>>();
        matcher.Match(text, results);
        Assert.Equal(2, results.Count);
    }
}
