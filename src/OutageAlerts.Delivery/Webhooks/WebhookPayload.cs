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
        // What comes before the data, written by the serializer's own writer (so the timestamp reads as it always
        // did), then the body in one array of its exact size.
        var head = new ArrayBufferWriter<byte>(HeadCapacity);
        using (var writer = new Utf8JsonWriter(head, new JsonWriterOptions { Encoder = SerializerOptions.Encoder, SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString(TypeProperty, EventType(kind));
            writer.WriteString(TimestampProperty, timestamp.ToUniversalTime());
            writer.WritePropertyName(DataProperty);
        }

        var body = new byte[head.WrittenCount + alertJson.Length + 1];
        head.WrittenSpan.CopyTo(body);
        alertJson.CopyTo(body.AsSpan(head.WrittenCount));
        body[^1] = (byte)'}';
        return body;
    }

    // {"type":"alert.cancelled","timestamp":"2025-11-08T07:05:03.1234567+00:00","data": is 81 bytes.
    private const int HeadCapacity = 96;

    private static readonly JsonEncodedText TypeProperty = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText TimestampProperty = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText DataProperty = JsonEncodedText.Encode("data");

    private sealed record Body(string Type, DateTimeOffset Timestamp, Alert Data);
}
