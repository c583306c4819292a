using System.Text.Json;
using OutageAlerts.Incidents.Correlation;
using OutageAlerts.Incidents.Persistence;

namespace OutageAlerts.Incidents.Tests.Correlation;

public sealed class SharedKeyListConverterTests
{
    private static readonly ReportFacts Facts = ReportFacts.From(Reports.Make(
        "k1", "Drone strike on Kharkiv substation", "Governor Syniehubov said the Saltivka district lost power after the strike.", Reports.Night));

    [Fact]
    public void Read_FactsReadBackTwice_ShareEveryKeyString()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(Facts, IncidentStore.Json);

        var first = JsonSerializer.Deserialize<ReportFacts>(json, IncidentStore.Json)!;
        var second = JsonSerializer.Deserialize<ReportFacts>(json, IncidentStore.Json)!;

        Assert.NotEmpty(first.ContentKeys);
        Assert.NotEmpty(first.NameKeys);
        Assert.Equal(Facts.ContentKeys, first.ContentKeys);
        Assert.Equal(Facts.NameKeys, first.NameKeys);
        Assert.Equal(Facts.ProperNameKeys, first.ProperNameKeys);
        Assert.All(first.ContentKeys.Zip(second.ContentKeys), pair => Assert.Same(pair.First, pair.Second));
        Assert.All(first.NameKeys.Zip(second.NameKeys), pair => Assert.Same(pair.First, pair.Second));
        // The same instances TextKeys made for the report in the first place.
        Assert.All(first.ContentKeys.Zip(Facts.ContentKeys), pair => Assert.Same(pair.Second, pair.First));
    }

    [Fact]
    public void Read_StringsTextKeysNeverMakes_ReadAsTheyAre()
    {
        const string Json = """{"nameKeys":["kharkivska","дні","a\u0062c","","x\"y"],"contentKeys":[],"properNameKeys":["ki"]}""";

        var facts = JsonSerializer.Deserialize<ReportFacts>(Json.Replace("{", """{"itemKey":"k","feed":"f","itemId":"i","published":"2026-03-02T01:40:00Z","fetchedAt":"2026-03-02T01:40:00Z",""", StringComparison.Ordinal), IncidentStore.Json)!;

        Assert.Equal(["kharkivska", "дні", "abc", "", "x\"y"], facts.NameKeys);
        Assert.Equal(["ki"], facts.ProperNameKeys);
        Assert.Empty(facts.ContentKeys);
    }

    [Theory]
    [InlineData("""{"itemKey":"k","feed":"f","itemId":"i","published":"2026-03-02T01:40:00Z","fetchedAt":"2026-03-02T01:40:00Z","nameKeys":"kyiv"}""")]
    [InlineData("""{"itemKey":"k","feed":"f","itemId":"i","published":"2026-03-02T01:40:00Z","fetchedAt":"2026-03-02T01:40:00Z","nameKeys":["kyiv",3]}""")]
    public void Read_NotAListOfStrings_ThrowsJsonException(string json) =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<ReportFacts>(json, IncidentStore.Json));
}
