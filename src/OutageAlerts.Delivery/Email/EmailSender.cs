using System.Diagnostics;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Outbox;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Email;

/// <summary>
/// Sends alert emails over SMTP with MailKit on pooled connections, or writes them as <c>.eml</c> files when the
/// outbox is on. SMTP 4xx answers are worth retrying; 5xx answers are final for that recipient.
/// </summary>
internal sealed class EmailSender(
    IOptionsMonitor<SmtpOptions> options, SmtpConnectionPool pool, OutboxWriter outbox, TimeProvider time) : IChannelSender
{
    public DeliveryChannel Channel => DeliveryChannel.Email;

    public async Task<DeliveryResult> SendAsync(IAlertDelivery delivery, Subscription subscription, CancellationToken cancellationToken)
    {
        var smtp = options.CurrentValue;
        using var message = EmailComposer.Compose(delivery, subscription, smtp, time.GetUtcNow());
        if (outbox.Enabled)
        {
            await outbox.WriteAsync(Channel, delivery, "eml", (stream, ct) => message.WriteToAsync(stream, ct), cancellationToken);
            return DeliveryResult.Delivered;
        }

        return await SendAsync(message, smtp, cancellationToken);
    }

    /// <summary>Sends a composed message (an alert or a digest), or writes it to the outbox as <paramref name="outboxName"/>.</summary>
    public async Task<DeliveryResult> SendAsync(MimeMessage message, string outboxName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (outbox.Enabled)
        {
            await outbox.WriteAsync(Channel, outboxName, "eml", (stream, ct) => message.WriteToAsync(stream, ct), cancellationToken);
            return DeliveryResult.Delivered;
        }

        return await SendAsync(message, options.CurrentValue, cancellationToken);
    }

    private async Task<DeliveryResult> SendAsync(MimeMessage message, SmtpOptions smtp, CancellationToken cancellationToken)
    {
        // The SMTP exchange as a client span, like an HTTP client span: the relay, never the recipient.
        using var activity = DeliveryTelemetry.Source.StartActivity("smtp send", ActivityKind.Client);
        activity?.SetTag("server.address", smtp.Host);
        activity?.SetTag("server.port", smtp.Port);
        activity?.SetTag("network.protocol.name", "smtp");
        var result = await SendOverSmtpAsync(message, smtp, cancellationToken);
        if (result.Outcome != DeliveryOutcome.Delivered)
        {
            activity?.SetTag("error.type", result.Outcome == DeliveryOutcome.Permanent ? "permanent" : "transient");
            activity?.SetStatus(ActivityStatusCode.Error, result.Error);
        }

        return result;
    }

    private async Task<DeliveryResult> SendOverSmtpAsync(MimeMessage message, SmtpOptions smtp, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            return DeliveryResult.Permanent($"{SmtpOptions.SectionName}:Host is not configured");
        }

        try
        {
            while (true)
            {
                var lease = await pool.RentAsync(cancellationToken);
                var healthy = false;
                try
                {
                    await lease.Client.SendAsync(message, cancellationToken);
                    healthy = true;
                    return DeliveryResult.Delivered;
                }
                catch (Exception ex) when (lease.Reused && IsConnectionLost(ex))
                {
                    // The server closed the idle connection since its last message; the next one is opened fresh.
                }
                finally
                {
                    await pool.ReturnAsync(lease, healthy);
                }
            }
        }
        catch (SmtpCommandException ex)
        {
            var error = $"SMTP {(int)ex.StatusCode} {ex.ErrorCode}: {ex.Message}";
            return (int)ex.StatusCode >= 500 ? DeliveryResult.Permanent(error) : DeliveryResult.Transient(error);
        }
        catch (NotSupportedException ex)
        {
            // The relay lacks what the configuration demands (STARTTLS with UseTls=true, an auth mechanism): never
            // fall back to the clear. Transient, so the message waits in the error queue for the operator's fix.
            return DeliveryResult.Transient($"SMTP server cannot meet the configuration: {ex.Message}");
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

    private static bool IsConnectionLost(Exception exception) =>
        exception is ServiceNotConnectedException or IOException or SmtpProtocolException or SocketException;
}
