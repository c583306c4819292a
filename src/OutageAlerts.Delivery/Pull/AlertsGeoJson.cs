using System.Text.Json;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Pull;

/// <summary>
/// Current alerts as an RFC 7946 FeatureCollection for map consumers: one Feature per alert, a Point at the centre
/// of its area (longitude first), and the webhook <c>data</c> object as properties, so both outputs read alike.
/// </summary>
internal static class AlertsGeoJson
{
    public const string ContentType = "application/geo+json";

    public static byte[] Render(IReadOnlyList<CurrentAlert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = WebhookPayload.SerializerOptions.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "FeatureCollection");
            writer.WriteStartArray("features");
            foreach (var current in alerts)
            {
                var alert = current.Alert;
                writer.WriteStartObject();
                writer.WriteString("type", "Feature");
                writer.WriteString("id", alert.AlertId);
                if (alert.Area is { } area)
                {
                    writer.WriteStartObject("geometry");
                    writer.WriteString("type", "Point");
                    writer.WriteStartArray("coordinates");
                    writer.WriteNumberValue(area.Longitude);
                    writer.WriteNumberValue(area.Latitude);
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
                else
                {
                    // RFC 7946 3.2: an unlocated feature has a null geometry.
                    writer.WriteNull("geometry");
                }

                writer.WritePropertyName("properties");
                JsonSerializer.Serialize(writer, alert, WebhookPayload.SerializerOptions);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
