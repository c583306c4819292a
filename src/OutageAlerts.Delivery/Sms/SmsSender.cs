using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Outbox;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Sms;

/// <summary>
/// Sends SMS in the Twilio REST shape (form fields To, From, Body with basic auth), which many gateways accept,
/// or writes them as JSON files when the outbox is on.
/// </summary>
internal sealed class SmsSender(
    IHttpClientFactory httpClients,
    IOptionsMonitor<SmsOptions> options,
    SmsRateLimiter rateLimiter,
    OutboxWriter outbox,
    TimeProvider time) : IChannelSender
{
    public const string HttpClientName = "OutageAlerts.Sms";

    public DeliveryChannel Channel => DeliveryChannel.Sms;

    public async Task<DeliveryResult> SendAsync(IAlertDelivery delivery, Subscription subscription, CancellationToken cancellationToken)
    {
        if (!PhoneNumber.IsE164(subscription.Target))
        {
            return DeliveryResult.Permanent("the subscription's target is not an E.164 number");
        }

        var sms = options.CurrentValue;
        var text = SmsComposer.Compose(delivery, subscription.Language);
        if (outbox.Enabled)
        {
            await outbox.WriteAsync(
                Channel, delivery, "json", (stream, ct) => WriteOutboxFileAsync(stream, subscription, sms, text, ct), cancellationToken);
            return DeliveryResult.Delivered;
        }

        if (await rateLimiter.WaitForSlotAsync(sms.From ?? "", cancellationToken) is { } later)
        {
            return DeliveryResult.Transient($"over the sender's limit of {sms.MaxPerSecond} SMS per second", later);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, sms.MessagesEndpoint());
        var fields = new List<KeyValuePair<string, string>>
        {
            new("To", subscription.Target),
            new("From", sms.From ?? ""),
            new("Body", text),
        };
        if (!string.IsNullOrWhiteSpace(sms.StatusCallbackUrl))
        {
            fields.Add(new("StatusCallback", sms.StatusCallbackUrl));
        }

        request.Content = new FormUrlEncodedContent(fields);
        if (!string.IsNullOrEmpty(sms.AccountSid))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sms.AccountSid}:{sms.AuthToken}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return DeliveryResult.Delivered;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (TwilioErrors.TryReadCode(body, out var code, out var message) && TwilioErrors.Classify(code) is { } outcome)
            {
                var error = $"HTTP {(int)response.StatusCode} provider error {code}: {message}";
                return outcome == DeliveryOutcome.Permanent
                    ? DeliveryResult.Permanent(error)
                    : DeliveryResult.Transient(error, HttpOutcome.RetryAfter(response, time.GetUtcNow()));
            }

            var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {(body.Length > 300 ? body[..300] : body)}";
            return HttpOutcome.IsPermanent(response.StatusCode)
                ? DeliveryResult.Permanent(status)
                : DeliveryResult.Transient(status, HttpOutcome.RetryAfter(response, time.GetUtcNow()));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or Polly.Timeout.TimeoutRejectedException)
        {
            return HttpOutcome.FromException(ex, cancellationToken);
        }
    }

    private static async Task WriteOutboxFileAsync(
        Stream stream, Subscription subscription, SmsOptions sms, string text, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(stream, OutboxWriter.JsonOptions);
        writer.WriteStartObject();
        writer.WriteString("subscriptionId", subscription.Id);
        writer.WriteString("url", sms.MessagesEndpoint().AbsoluteUri);
        writer.WriteString("To", subscription.Target);
        writer.WriteString("From", sms.From);
        writer.WriteString("Body", text);
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }
}
