using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OutageAlerts.Incidents.Correlation;

/// <summary>
/// One instance of each short text the cached report facts repeat: feed names, countries, regions, languages, targets
/// and the classifier's reasons ("target: \"substation\" → power_grid" recurs in report after report). With 10,000
/// open incidents the correlator keeps 10,000 reports' facts, and each read from the store was a new copy of them
/// all (issue 10: resident memory with open incidents).
/// </summary>
internal static class SharedText
{
    /// <summary>Longer texts are mostly a report's own (a reason quoting its figures); they are read as they are.</summary>
    public const int MaxChars = 96;

    /// <summary>
    /// Bounded, as the facts cache is: texts that never repeat (reasons with a report's own figures) fill it once
    /// and are then read as they are, at most some 2–3 MB of texts kept.
    /// </summary>
    public const int Capacity = 10_000;

    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> BySpan =
        Pool.GetAlternateLookup<ReadOnlySpan<char>>();

    public static int Count => Pool.Count;

    /// <summary>The shared instance of <paramref name="text"/>, or a new string when it is long or the pool is full.</summary>
    public static string Share(ReadOnlySpan<char> text)
    {
        if (text.Length > MaxChars)
        {
            return text.ToString();
        }

        if (BySpan.TryGetValue(text, out var shared))
        {
            return shared;
        }

        var copy = text.ToString();
        return Pool.Count >= Capacity ? copy : Pool.GetOrAdd(copy, copy);
    }

    /// <summary>Reads the current JSON string through <see cref="Share"/>, without a copy of its own when it is shared.</summary>
    public static string Read(ref Utf8JsonReader reader)
    {
        var bytes = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (bytes > MaxChars * 3 || reader.ValueIsEscaped)
        {
            // Escaped: its characters are not its bytes. Long: more bytes than a shared text can have.
            var text = reader.GetString()!;
            return text.Length > MaxChars ? text : Share(text);
        }

        Span<char> buffer = stackalloc char[MaxChars * 3];
        var length = reader.CopyString(buffer);
        return Share(buffer[..length]);
    }
}

/// <summary>A string property read as its shared instance (<see cref="SharedText"/>).</summary>
internal sealed class SharedTextConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? SharedText.Read(ref reader)
            : throw new JsonException($"Expected a string, found {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>A list of strings read as their shared instances (<see cref="SharedText"/>).</summary>
internal sealed class SharedTextListConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Expected an array of strings, found {reader.TokenType}.");
        }

        List<string>? texts = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"Expected a string, found {reader.TokenType}.");
            }

            (texts ??= []).Add(SharedText.Read(ref reader));
        }

        return texts is null ? [] : texts.ToArray();
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var text in value)
        {
            writer.WriteStringValue(text);
        }

        writer.WriteEndArray();
    }
}
