using System.Security.Cryptography;
using System.Text;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Tests.Webhooks;

public class WebhookSignatureTests
{
    internal const string Secret = "whsec_BQSId+565p4ys+y/kiP16OfKS9eTEOUha9rgTPNoYIY=";

    /// <summary>
    /// A receiver's check written from the Standard Webhooks text, not from the code under test: the signed
    /// content is id, timestamp and raw body joined by dots, and the key is the base64 after "whsec_".
    /// </summary>
    internal static bool ReceiverAccepts(string secret, string id, string timestamp, byte[] body, string signatureHeader)
    {
        var key = Convert.FromBase64String(secret.Split('_', 2)[1]);
        using var hmac = new HMACSHA256(key);
        var signed = Encoding.UTF8.GetBytes(id + "." + timestamp + ".").Concat(body).ToArray();
        var expected = Convert.ToBase64String(hmac.ComputeHash(signed));
        return signatureHeader.Split(' ')
            .Select(s => s.Split(',', 2))
            .Any(p => p.Length == 2 && p[0] == "v1"
                      && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(p[1]), Encoding.ASCII.GetBytes(expected)));
    }

    [Fact]
    public void Sign_AnyBody_VerifiesWithIndependentReceiver()
    {
        Assert.True(WebhookSignature.TryDecodeSecret(Secret, out var key));
        var body = Encoding.UTF8.GetBytes("{\"type\":\"alert.raised\",\"data\":{\"headline\":\"Удар по підстанції\"}}");

        var signature = WebhookSignature.Sign(key, "msg_0123", 1762578000, body);

        Assert.StartsWith("v1,", signature, StringComparison.Ordinal);
        Assert.True(ReceiverAccepts(Secret, "msg_0123", "1762578000", body, signature));
    }

    [Fact]
    public void Sign_BodyChangedAfterSigning_ReceiverRejects()
    {
        Assert.True(WebhookSignature.TryDecodeSecret(Secret, out var key));
        var signature = WebhookSignature.Sign(key, "msg_0123", 1762578000, "{\"killed\":1}"u8);

        Assert.False(ReceiverAccepts(Secret, "msg_0123", "1762578000", Encoding.UTF8.GetBytes("{\"killed\":2}"), signature));
    }

    [Fact]
    public void MessageId_SameDelivery_IsStable()
    {
        var first = WebhookSignature.MessageId("inc-1", 2, "hook");
        var again = WebhookSignature.MessageId("inc-1", 2, "hook");

        Assert.Equal(first, again);
        Assert.Matches("^msg_[0-9a-f]{32}$", first);
    }

    [Theory]
    [InlineData("inc-1", 3, "hook")]
    [InlineData("inc-2", 2, "hook")]
    [InlineData("inc-1", 2, "other")]
    public void MessageId_DifferentVersionAlertOrSubscription_Differs(string alertId, int version, string subscriptionId)
    {
        Assert.NotEqual(WebhookSignature.MessageId("inc-1", 2, "hook"), WebhookSignature.MessageId(alertId, version, subscriptionId));
    }
}
