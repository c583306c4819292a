using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Outbox;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Webhooks;

/// <summary>Signed HTTP POST per Standard Webhooks v1, or a JSON file per delivery when the outbox is on.</summary>
internal sealed class WebhookSender(
    IHttpClientFactory httpClients, OutboxWriter outbox, WebhookConcurrency concurrency, TimeProvider time) : IChannelSender
{
    public const string HttpClientName = "OutageAlerts.Webhooks";
    public const string UserAgent = "OutageAlerts-Webhooks/1.0";

    public DeliveryChannel Channel => DeliveryChannel.Webhook;

    public async Task<DeliveryResult> SendAsync(IAlertDelivery delivery, Subscription subscription, CancellationToken cancellationToken)
    {
        // Signed after the wait for a slot, so a queue of deliveries does not age the signed timestamp.
        await concurrency.WaitAsync(cancellationToken);
        try
        {
            return await SendNowAsync(delivery, subscription, cancellationToken);
        }
        finally
        {
            concurrency.Release();
        }
    }

    private async Task<DeliveryResult> SendNowAsync(IAlertDelivery delivery, Subscription subscription, CancellationToken cancellationToken)
    {
        if (!WebhookSignature.TryDecodeSecret(subscription.Secret, out var key))
        {
            return DeliveryResult.Permanent("the subscription's secret is not a valid whsec_ secret");
        }

        var now = time.GetUtcNow();
        var cap = subscription.Format == SubscriptionFormat.Cap;
        var body = cap
            ? CapDocument.Serialize(delivery.Kind, delivery.Alert, delivery.CancelReason)
            : WebhookPayload.Serialize(delivery.Kind, delivery.AlertJson.Span, now);
        var contentType = cap ? CapDocument.ContentType : WebhookPayload.ContentType;
        var head = delivery.Head;
        var id = WebhookSignature.MessageId(head.AlertId, head.Version, subscription.Id);
        var timestamp = now.ToUnixTimeSeconds();
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = contentType,
            ["webhook-id"] = id,
            ["webhook-timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture),
            ["webhook-signature"] = WebhookSignature.Sign(key, id, timestamp, body),
        };

        if (outbox.Enabled)
        {
            await outbox.WriteAsync(
                Channel, delivery, "json", (stream, ct) => WriteOutboxFileAsync(stream, subscription, headers, body, cap, ct), cancellationToken);
            return DeliveryResult.Delivered;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Target);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        foreach (var (name, value) in headers.Where(h => h.Key.StartsWith("webhook-", StringComparison.Ordinal)))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return await HttpOutcome.FromResponseAsync(response, now, cancellationToken);
        }
        catch (Exception ex) when (FindRefusal(ex) is { } refusal)
        {
            return DeliveryResult.Permanent(refusal.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or Polly.Timeout.TimeoutRejectedException)
        {
            return HttpOutcome.FromException(ex, cancellationToken);
        }
    }

    internal static WebhookTargetRefusedException? FindRefusal(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is WebhookTargetRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private static async Task WriteOutboxFileAsync(
        Stream stream, Subscription subscription, Dictionary<string, string> headers, byte[] body, bool cap, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(stream, OutboxWriter.JsonOptions);
        writer.WriteStartObject();
        writer.WriteString("subscriptionId", subscription.Id);
        writer.WriteString("method", "POST");
        writer.WriteString("url", subscription.Target);
        writer.WriteStartObject("headers");
        foreach (var (name, value) in headers)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        writer.WritePropertyName("body");
        if (cap)
        {
            writer.WriteStringValue(Encoding.UTF8.GetString(body));
        }
        else
        {
            writer.WriteRawValue(body);
        }

        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }
}
