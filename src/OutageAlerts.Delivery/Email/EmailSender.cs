using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Outbox;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Email;

/// <summary>Sends alert emails over SMTP with MailKit, or writes them as <c>.eml</c> files when the outbox is on.</summary>
internal sealed class EmailSender(IOptionsMonitor<SmtpOptions> options, OutboxWriter outbox, TimeProvider time) : IChannelSender
{
    public DeliveryChannel Channel => DeliveryChannel.Email;

    public async Task<DeliveryResult> SendAsync(IAlertDelivery delivery, Subscription subscription, CancellationToken cancellationToken)
    {
        var smtp = options.CurrentValue;
        using var message = EmailComposer.Compose(delivery, subscription.Target, smtp.From, time.GetUtcNow());
        if (outbox.Enabled)
        {
            await outbox.WriteAsync(Channel, delivery, "eml", (stream, ct) => message.WriteToAsync(stream, ct), cancellationToken);
            return DeliveryResult.Delivered;
        }

        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            return DeliveryResult.Permanent($"{SmtpOptions.SectionName}:Host is not configured");
        }

        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, Security(smtp), cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return DeliveryResult.Delivered;
        }
        catch (SmtpCommandException ex)
        {
            var error = $"SMTP {(int)ex.StatusCode} {ex.ErrorCode}: {ex.Message}";
            return (int)ex.StatusCode >= 500 ? DeliveryResult.Permanent(error) : DeliveryResult.Transient(error);
        }
        catch (AuthenticationException ex)
        {
            // The server refused our credentials (535): sending again with the same ones cannot succeed.
            return DeliveryResult.Permanent($"SMTP authentication failed: {ex.Message}");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or ServiceNotConnectedException or IOException
                                       or SocketException or SslHandshakeException or TimeoutException
                                       or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Transient($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static SecureSocketOptions Security(SmtpOptions smtp) =>
        !smtp.UseTls ? SecureSocketOptions.None
        : smtp.Port == SmtpOptions.ImplicitTlsPort ? SecureSocketOptions.SslOnConnect
        : SecureSocketOptions.StartTls;
}
