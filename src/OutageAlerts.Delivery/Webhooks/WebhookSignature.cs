using System.Security.Cryptography;
using System.Text;

namespace OutageAlerts.Delivery.Webhooks;

/// <summary>Standard Webhooks v1 signing: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).</summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>Standard Webhooks recommends secrets of 24 to 64 random bytes.</summary>
    public const int MinSecretBytes = 24;
    public const int MaxSecretBytes = 64;

    public static bool TryDecodeSecret(string? secret, out byte[] key)
    {
        key = [];
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var encoded = secret.AsSpan(SecretPrefix.Length);
        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written)
            || written < MinSecretBytes || written > MaxSecretBytes)
        {
            return false;
        }

        key = buffer[..written];
        return true;
    }

    public static string Sign(ReadOnlySpan<byte> key, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    /// <summary>
    /// The same id for every retry and redelivery of one alert version to one subscription, so receivers can
    /// de-duplicate; derived instead of stored so that a replay after a crash still agrees.
    /// </summary>
    public static string MessageId(string alertId, int version, string subscriptionId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{alertId}\n{version}\n{subscriptionId}"));
        return "msg_" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
