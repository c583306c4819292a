using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;

namespace OutageAlerts.Delivery.Webhooks;

/// <summary>
/// The JSON webhook body of DESIGN.md contract 4:
/// <c>{"type":"alert.raised|alert.updated|alert.cancelled","timestamp":ISO-8601,"data":{Alert}}</c>.
/// </summary>
public static class WebhookPayload
{
    public const string ContentType = "application/json";

    /// <summary>
    /// camelCase, enums as their CAP names (the enums carry their own string converters), nulls kept. Cyrillic and
    /// punctuation are written as themselves: the body is JSON over HTTP, never embedded in HTML, and receivers'
    /// operators read it.
    /// </summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string EventType(AlertEventKind kind) => kind switch
    {
        AlertEventKind.Updated => "alert.updated",
        AlertEventKind.Cancelled => "alert.cancelled",
        _ => "alert.raised",
    };

    public static byte[] Serialize(AlertEventKind kind, Alert alert, DateTimeOffset timestamp) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new Body(EventType(kind), timestamp.ToUniversalTime(), alert), SerializerOptions);

    /// <summary>
    /// The same body around an alert already serialised with <see cref="SerializerOptions"/>
    /// (<see cref="Routing.AlertPayload"/>), written as it is: byte for byte what the overload above writes.
    /// </summary>
    public static byte[] Serialize(AlertEventKind kind, ReadOnlySpan<byte> alertJson, DateTimeOffset timestamp)
    {
        var buffer = new ArrayBufferWriter<byte>(alertJson.Length + 96);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = SerializerOptions.Encoder, SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString(TypeProperty, EventType(kind));
            writer.WriteString(TimestampProperty, timestamp.ToUniversalTime());
            writer.WritePropertyName(DataProperty);
            writer.WriteRawValue(alertJson, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static readonly JsonEncodedText TypeProperty = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText TimestampProperty = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText DataProperty = JsonEncodedText.Encode("data");

    private sealed record Body(string Type, DateTimeOffset Timestamp, Alert Data);
}
