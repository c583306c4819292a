using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Routing;

/// <summary>The fields of an alert that every delivery reads, whatever its channel: its key, severity and times.</summary>
public sealed record AlertHead(string AlertId, int Version, Severity Severity, DateTimeOffset Sent, DateTimeOffset? FirstSeen)
{
    public static AlertHead Of(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new(alert.AlertId, alert.Version, alert.Severity, alert.Sent, alert.FirstSeen);
    }
}

/// <summary>
/// An alert version as JSON in <see cref="WebhookPayload"/>'s layout (a webhook body's <c>data</c>, and the payload the
/// archive and the current alerts keep), serialised once by routing and carried to delivery as it is.
/// </summary>
/// <remarks>
/// Routing used to send each delivery its <see cref="Alert"/>, which the broker hop serialised, the delivery side read
/// back into objects, and then serialised twice more, for the archive and for the webhook body: four passes over the
/// alert per webhook, where one is needed (issue 10). <see cref="Head"/> is read from the JSON without materialising the
/// alert; <see cref="Alert"/> is read on first use, for the channels that need all of it (CAP, email, SMS).
/// In a message it is the alert object itself, so the message's layout is that of an alert.
/// </remarks>
[JsonConverter(typeof(AlertPayloadJsonConverter))]
public sealed class AlertPayload
{
    private Alert? _alert;

    private AlertPayload(byte[] json, AlertHead head, Alert? alert)
    {
        Utf8 = json;
        Head = head;
        _alert = alert;
    }

    /// <summary>The alert's JSON, UTF-8.</summary>
    public ReadOnlyMemory<byte> Json => Utf8;

    public AlertHead Head { get; }

    /// <summary>The whole alert, read from <see cref="Json"/> on first use.</summary>
    public Alert Alert => _alert ??= JsonSerializer.Deserialize<Alert>(Utf8, WebhookPayload.SerializerOptions)
        ?? throw new JsonException("An alert payload is null.");

    internal byte[] Utf8 { get; }

    public static AlertPayload From(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new(JsonSerializer.SerializeToUtf8Bytes(alert, WebhookPayload.SerializerOptions), AlertHead.Of(alert), alert);
    }

    /// <summary>Takes an alert's JSON as it is; <see cref="JsonException"/> when it is not an alert object.</summary>
    public static AlertPayload Parse(byte[] json)
    {
        ArgumentNullException.ThrowIfNull(json);
        HeadFields? head;
        try
        {
            head = JsonSerializer.Deserialize<HeadFields>(json, WebhookPayload.SerializerOptions);
        }
        catch (JsonException ex)
        {
            throw new JsonException($"An alert payload is not an alert: {ex.Message}", ex);
        }

        if (head is not { AlertId: { Length: > 0 } id, Version: > 0 and var version, Sent: { } sent })
        {
            throw new JsonException("An alert payload lacks its alertId, version or sent time.");
        }

        return new(json, new AlertHead(id, version, head.Severity, sent, head.FirstSeen), null);
    }

    // The head's fields as they appear in the JSON; everything else is skipped unread.
    private sealed record HeadFields(string? AlertId, int Version, Severity Severity, DateTimeOffset? Sent, DateTimeOffset? FirstSeen);
}

/// <summary>Writes an <see cref="AlertPayload"/> as the alert object it holds and reads one back from it.</summary>
internal sealed class AlertPayloadJsonConverter : JsonConverter<AlertPayload>
{
    public override AlertPayload Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"An alert payload must be a JSON object, not {reader.TokenType}.");
        }

        using var document = JsonDocument.ParseValue(ref reader);
        return AlertPayload.Parse(JsonMarshal.GetRawUtf8Value(document.RootElement).ToArray());
    }

    public override void Write(Utf8JsonWriter writer, AlertPayload value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json.Span, skipInputValidation: true);
}
