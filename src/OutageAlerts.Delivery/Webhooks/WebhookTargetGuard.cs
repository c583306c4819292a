using System.Net;
using System.Net.Sockets;

namespace OutageAlerts.Delivery.Webhooks;

/// <summary>Thrown when a webhook target resolves only to addresses the service must not call.</summary>
public sealed class WebhookTargetRefusedException : Exception
{
    public WebhookTargetRefusedException()
    {
    }

    public WebhookTargetRefusedException(string message)
        : base(message)
    {
    }

    public WebhookTargetRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A basic SSRF guard. It checks the address that is actually connected to, after our own DNS lookup, so a
/// name that resolves to an internal address (or changes its answer between check and use) is still refused.
/// </summary>
internal static class WebhookTargetGuard
{
    public static bool IsRestricted(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] == 0                                   // "this network"
                || b[0] == 10                                  // private
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)  // carrier-grade NAT
                || b[0] == 127                                 // loopback
                || (b[0] == 169 && b[1] == 254)                // link-local, cloud metadata
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)   // private
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)     // IETF protocol assignments
                || (b[0] == 192 && b[1] == 168)                // private
                || (b[0] == 198 && b[1] is 18 or 19)           // benchmarking
                || b[0] >= 224;                                // multicast, reserved, broadcast
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            return address.Equals(IPAddress.IPv6None)
                || address.IsIPv6LinkLocal
                || address.IsIPv6SiteLocal
                || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC;                      // unique local fc00::/7
        }

        return true;
    }

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> that resolves the host and connects only to allowed addresses.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(Func<bool> allowPrivateTargets) =>
        async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, cancellationToken);
            if (!allowPrivateTargets())
            {
                addresses = [.. addresses.Where(a => !IsRestricted(a))];
                if (addresses.Length == 0)
                {
                    throw new WebhookTargetRefusedException(
                        $"Webhook target host '{host}' resolves only to loopback, private, link-local or reserved addresses; " +
                        "set OutageAlerts:Webhooks:AllowPrivateTargets to true to allow them.");
                }
            }

            SocketException? last = null;
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    last = ex;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            throw last ?? new SocketException((int)SocketError.HostNotFound);
        };
}
