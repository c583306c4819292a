using System.Text.Json;
using System.Text.Json.Serialization;

namespace OutageAlerts.Incidents.Correlation;

/// <summary>
/// Reads a list of text keys as the shared key strings (<see cref="TextKeys.Share"/>) rather than a new string each.
/// With 10,000 open incidents the correlator keeps 10,000 reports' facts, some 60 keys each, nearly all of them words
/// every other report has too (issue 10: resident memory with open incidents).
/// </summary>
internal sealed class SharedKeyListConverter : JsonConverter<IReadOnlyList<string>>
{
    // Longer than any key: a longer string is not one, and is read as it is.
    private const int MaxKeyChars = 8;

    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Expected an array of keys, found {reader.TokenType}.");
        }

        var keys = new List<string>();
        Span<char> buffer = stackalloc char[MaxKeyChars];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"Expected a key string, found {reader.TokenType}.");
            }

            var length = (reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) <= MaxKeyChars
                ? reader.CopyString(buffer)
                : -1;
            keys.Add(length >= 0 ? TextKeys.Share(buffer[..length]) : reader.GetString()!);
        }

        return keys.ToArray();
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var key in value)
        {
            writer.WriteStringValue(key);
        }

        writer.WriteEndArray();
    }
}
