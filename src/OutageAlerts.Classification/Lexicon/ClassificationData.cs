using System.Text.Json;

namespace OutageAlerts.Classification.Lexicon;

/// <summary>
/// Every data file the engine reads, compiled into matchers. Files ship as embedded resources; an operator can
/// point <see cref="ClassificationOptions.DataDirectory"/> at a folder whose files replace the embedded ones.
/// </summary>
internal sealed class ClassificationData
{
    public const string LexiconPrefix = "lexicon-";
    public const string NumbersFileName = "numbers.json";
    public const string GazetteerFileName = "gazetteer.json";
    public static readonly string[] Languages = ["en", "uk", "ru"];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private ClassificationData(
        Dictionary<string, PhraseMatcher<TermDefinition>> lexicons,
        NumberWords numbers,
        PhraseMatcher<GazetteerEntry> gazetteer,
        IReadOnlyList<GazetteerEntry> places)
    {
        Lexicons = lexicons;
        Numbers = numbers;
        Gazetteer = gazetteer;
        Places = places;
    }

    public IReadOnlyDictionary<string, PhraseMatcher<TermDefinition>> Lexicons { get; }

    public NumberWords Numbers { get; }

    public PhraseMatcher<GazetteerEntry> Gazetteer { get; }

    public IReadOnlyList<GazetteerEntry> Places { get; }

    public int TermCount => Lexicons.Values.Sum(l => l.Count);

    public PhraseMatcher<TermDefinition> LexiconFor(string language) =>
        Lexicons.TryGetValue(language, out var m) ? m : Lexicons["en"];

    public static ClassificationData Load(string? dataDirectory = null)
    {
        var lexicons = new Dictionary<string, PhraseMatcher<TermDefinition>>(StringComparer.Ordinal);
        foreach (var language in Languages)
        {
            var file = Read<LexiconFile>(LexiconPrefix + language + ".json", dataDirectory);
            lexicons[language] = BuildLexicon(file);
        }

        var numbers = new NumberWords(Read<NumbersFile>(NumbersFileName, dataDirectory));
        var gazetteerFile = Read<GazetteerFile>(GazetteerFileName, dataDirectory);
        var gazetteer = new PhraseMatcher<GazetteerEntry>();
        for (var i = 0; i < gazetteerFile.Places.Count; i++)
        {
            var place = gazetteerFile.Places[i];
            place.Index = i;
            foreach (var terms in place.Terms.Values)
            {
                foreach (var term in terms)
                {
                    gazetteer.Add(term, place);
                }
            }
        }

        gazetteer.Freeze();
        return new ClassificationData(lexicons, numbers, gazetteer, gazetteerFile.Places);
    }

    internal static PhraseMatcher<TermDefinition> BuildLexicon(LexiconFile file)
    {
        var matcher = new PhraseMatcher<TermDefinition>();
        foreach (var group in file.Groups)
        {
            if (!Enum.TryParse<TermKind>(group.Kind, ignoreCase: true, out var kind))
            {
                throw new InvalidDataException($"Lexicon '{file.Language}': unknown kind '{group.Kind}'.");
            }

            foreach (var term in group.Terms)
            {
                matcher.Add(term, new TermDefinition(kind, term, group.Values));
            }
        }

        matcher.Freeze();
        return matcher;
    }

    internal static T Read<T>(string fileName, string? dataDirectory = null)
    {
        if (!string.IsNullOrEmpty(dataDirectory))
        {
            var path = Path.Combine(dataDirectory, fileName);
            if (File.Exists(path))
            {
                using var file = File.OpenRead(path);
                return Deserialize<T>(file, path);
            }
        }

        var assembly = typeof(ClassificationData).Assembly;
        var resource = assembly.GetManifestResourceNames()
            .FirstOrDefault(n => n.EndsWith("Data." + fileName, StringComparison.Ordinal))
            ?? throw new InvalidDataException($"Embedded data file '{fileName}' is missing.");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        return Deserialize<T>(stream, resource);
    }

    private static T Deserialize<T>(Stream stream, string name)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(stream, JsonOptions)
                ?? throw new InvalidDataException($"Data file '{name}' is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Data file '{name}' is not valid: {ex.Message}", ex);
        }
    }
}
