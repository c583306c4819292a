using OutageAlerts.Feeds.Parsing;
using Xunit.Abstractions;

namespace OutageAlerts.Feeds.Tests.Parsing;

/// <summary>Every document of the shared corpus, hostile and broken ones included, either parses or fails cleanly.</summary>
public sealed class FeedParserCorpusRobustnessTests(ITestOutputHelper output)
{
    [ConformanceFact]
    public void Parse_EveryCorpusDocument_ReturnsFeedOrThrowsFeedParseException()
    {
        var parser = new FeedParser();
        var files = Directory.EnumerateFiles(Path.Combine(ConformanceCorpus.Directory!, "tests"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".xml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .ToList();
        var unexpected = new List<string>();
        var rejected = new List<string>();
        foreach (var file in files)
        {
            try
            {
                parser.Parse(File.ReadAllBytes(file), baseUri: new Uri(file));
            }
            catch (FeedParseException ex)
            {
                rejected.Add($"{Path.GetRelativePath(ConformanceCorpus.Directory!, file)}: {ex.Message}");
            }
            catch (Exception ex)
            {
                unexpected.Add($"{file}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        output.WriteLine($"{files.Count} documents, {rejected.Count} rejected with FeedParseException:");
        rejected.ForEach(output.WriteLine);
        Assert.True(files.Count > 2000, $"Only {files.Count} corpus documents were found.");
        Assert.Empty(unexpected);

        // Only deliberately broken documents may be rejected.
        Assert.True(rejected.Count < files.Count / 50, string.Join(Environment.NewLine, rejected));
    }
}
