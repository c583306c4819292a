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
internal sealed class SmsSender(IHttpClientFactory httpClients, IOptionsMonitor<SmsOptions> options, OutboxWriter outbox) : IChannelSender
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
        var text = SmsComposer.Compose(delivery);
        if (outbox.Enabled)
        {
            await outbox.WriteAsync(
                Channel, delivery, "json", (stream, ct) => WriteOutboxFileAsync(stream, subscription, sms, text, ct), cancellationToken);
            return DeliveryResult.Delivered;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, sms.MessagesEndpoint());
        request.Content = new FormUrlEncodedContent(
        [
            new("To", subscription.Target),
            new("From", sms.From ?? ""),
            new("Body", text),
        ]);
        if (!string.IsNullOrEmpty(sms.AccountSid))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sms.AccountSid}:{sms.AuthToken}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, cancellationToken);
            return await HttpOutcome.FromResponseAsync(response, cancellationToken);
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
