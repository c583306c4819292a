using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace OutageAlerts.Delivery.Email;

/// <summary>
/// Keeps SMTP connections open between messages: a burst of alerts to many recipients then costs one TLS
/// handshake and login per connection instead of one per message. At most <see cref="SmtpOptions.MaxConnections"/>
/// are open; each carries one message at a time.
/// </summary>
internal sealed class SmtpConnectionPool : IAsyncDisposable
{
    private readonly IOptionsMonitor<SmtpOptions> _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _slots;
    // Created with the first connection: a service without email then never loads MailKit (issue 10, memory).
    private ConcurrentQueue<(SmtpClient Client, DateTimeOffset IdleSince)>? _idle;
    private int _opened;

    public SmtpConnectionPool(IOptionsMonitor<SmtpOptions> options, TimeProvider time)
    {
        _options = options;
        _time = time;
        var size = Math.Max(1, options.CurrentValue.MaxConnections);
        _slots = new SemaphoreSlim(size, size);
    }

    /// <summary>Connections opened since start; reuse shows as fewer of them than messages sent.</summary>
    public int Opened => Volatile.Read(ref _opened);

    private ConcurrentQueue<(SmtpClient Client, DateTimeOffset IdleSince)> Idle => LazyInitializer.EnsureInitialized(ref _idle);

    /// <summary>An idle connection that is still open, or a new one, connected and logged in.</summary>
    public async Task<Lease> RentAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            var smtp = _options.CurrentValue;
            while (Idle.TryDequeue(out var idle))
            {
                if (idle.Client.IsConnected && _time.GetUtcNow() - idle.IdleSince < smtp.IdleTimeout)
                {
                    return new Lease(this, idle.Client, Reused: true);
                }

                await CloseAsync(idle.Client);
            }

            var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
            try
            {
                await client.ConnectAsync(smtp.Host ?? "", smtp.Port, Security(smtp), cancellationToken);
                if (!string.IsNullOrEmpty(smtp.UserName))
                {
                    await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
                }
            }
            catch
            {
                client.Dispose();
                throw;
            }

            Interlocked.Increment(ref _opened);
            return new Lease(this, client, Reused: false);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle?.TryDequeue(out var idle) == true)
        {
            await CloseAsync(idle.Client);
        }

        _slots.Dispose();
    }

    /// <summary>Gives the connection back: kept for the next message when it is healthy, otherwise closed.</summary>
    public async Task ReturnAsync(Lease lease, bool healthy)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (healthy && lease.Client.IsConnected)
        {
            Idle.Enqueue((lease.Client, _time.GetUtcNow()));
        }
        else
        {
            await CloseAsync(lease.Client);
        }

        _slots.Release();
    }

    private static async Task CloseAsync(SmtpClient client)
    {
        try
        {
            if (client.IsConnected)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.DisconnectAsync(quit: true, quick.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or MailKit.ServiceNotConnectedException
                                       or SmtpCommandException or SmtpProtocolException)
        {
            // Closing a connection the server already dropped has nothing left to do.
        }
        finally
        {
            client.Dispose();
        }
    }

    private static SecureSocketOptions Security(SmtpOptions smtp) =>
        smtp.Port == SmtpOptions.ImplicitTlsPort && smtp.UseTls != false ? SecureSocketOptions.SslOnConnect
        : smtp.UseTls switch
        {
            true => SecureSocketOptions.StartTls,
            false => SecureSocketOptions.None,
            null => SecureSocketOptions.StartTlsWhenAvailable,
        };

    internal sealed record Lease(SmtpConnectionPool Pool, SmtpClient Client, bool Reused);
}
