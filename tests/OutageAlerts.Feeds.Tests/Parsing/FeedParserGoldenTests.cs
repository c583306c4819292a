using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Feeds.Tests.Parsing;

/// <summary>
/// Each feed under Golden/ is parsed and compared with the JSON next to it (the shape of <c>feeds parse</c>).
/// Set UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate change, then review the diff.
/// </summary>
public sealed class FeedParserGoldenTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string> Inputs() => new(InputNames());

    private static IEnumerable<string> InputNames() =>
        Directory.EnumerateFiles(GoldenDirectory())
            .Where(f => !f.EndsWith(".expected.json", StringComparison.Ordinal))
            .Select(f => Path.GetFileName(f))
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Parse_GoldenFeed_MatchesExpectedJson(string fileName)
    {
        var input = File.ReadAllBytes(Path.Combine(GoldenDirectory(), fileName));
        var baseUri = new Uri("https://feeds.example.org/golden/" + fileName);

        var actual = ToJson(new FeedParser().Parse(input, contentType: null, baseUri));

        var expectedPath = Path.Combine(GoldenDirectory(), Path.GetFileNameWithoutExtension(fileName) + ".expected.json");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceGoldenDirectory(), Path.GetFileName(expectedPath)), actual.ToJsonString(Indented) + "\n");
            return;
        }

        Assert.True(File.Exists(expectedPath), $"No expected output {expectedPath}; run with UPDATE_GOLDEN=1 and review it.");
        var expected = JsonNode.Parse(File.ReadAllText(expectedPath));
        Assert.True(
            JsonNode.DeepEquals(expected, actual),
            $"Parsed {fileName} differs from its golden file.{Environment.NewLine}Actual:{Environment.NewLine}{actual.ToJsonString(Indented)}");
    }

    [Fact]
    public void Inputs_GoldenFolder_HoldsTheAgreedFormats()
    {
        var names = InputNames().ToList();
        Assert.Contains("rss20.xml", names);
        Assert.Contains("atom10.xml", names);
        Assert.Contains("rdf10.xml", names);
        Assert.Contains("jsonfeed11.json", names);
        Assert.Contains("cyrillic-windows-1251.xml", names);
        Assert.Contains("undefined-entities.xml", names);
        Assert.Contains("relative-links.xml", names);
        Assert.Contains("reliefweb-reports.json", names);
        Assert.Contains("gdelt-artlist.json", names);
        Assert.Contains("telegram-channel.html", names);
    }

    /// <summary>The parse output as <c>outage-alerts feeds parse</c> prints it (DESIGN.md contract 3).</summary>
    internal static JsonObject ToJson(ParsedFeed feed) => new()
    {
        ["format"] = feed.Format,
        ["title"] = feed.Title,
        ["link"] = feed.Link,
        ["language"] = feed.Language,
        ["items"] = new JsonArray(feed.Items.Select(item => (JsonNode)new JsonObject
        {
            ["id"] = item.Id,
            ["title"] = item.Title,
            ["link"] = item.Link,
            ["summary"] = item.Summary,
            ["content"] = item.Content,
            ["published"] = Iso(item.Published),
            ["updated"] = Iso(item.Updated),
            ["author"] = item.Author,
            ["enclosures"] = new JsonArray(item.Enclosures.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
        }).ToArray()),
    };

    private static string? Iso(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static string GoldenDirectory() => Path.Combine(AppContext.BaseDirectory, "Parsing", "Golden");

    private static string SourceGoldenDirectory([CallerFilePath] string sourceFile = "") =>
        Path.Combine(Path.GetDirectoryName(sourceFile)!, "Golden");
}
