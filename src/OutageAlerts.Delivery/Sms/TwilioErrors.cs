using System.Text.Json;
using OutageAlerts.Delivery.Dispatch;

namespace OutageAlerts.Delivery.Sms;

/// <summary>
/// Twilio answers a refused message with <c>{"code":21211,"message":…}</c>. The code, not the HTTP status, says
/// whether trying again can help: an invalid or unsubscribed number never will, a full queue soon may.
/// </summary>
internal static class TwilioErrors
{
    private static readonly HashSet<int> Terminal =
    [
        20003, // authentication failed
        21211, // invalid 'To' number
        21408, // sending to this region not enabled
        21606, // 'From' number cannot send SMS
        21610, // recipient replied STOP
        21612, // no route to the 'To' number
        21614, // 'To' is not a mobile number
        21617, // body too long
        21659, // 'From' is not a Twilio number
        30003, // unreachable handset
        30004, // message blocked
        30005, // unknown or inactive number
        30006, // landline or unreachable carrier
        30007, // filtered as spam by the carrier
    ];

    private static readonly HashSet<int> Retryable =
    [
        20429, // too many requests
        20500, // internal error
        20503, // service unavailable
        30001, // queue overflow
        30002, // account suspended for the moment
        30008, // unknown error at the carrier
        30017, // carrier network congestion
        30022, // over the sender's rate limit
    ];

    /// <summary>The outcome a Twilio error code implies, or null for a code not known here (the HTTP status decides).</summary>
    public static DeliveryOutcome? Classify(int code) =>
        Terminal.Contains(code) ? DeliveryOutcome.Permanent : Retryable.Contains(code) ? DeliveryOutcome.Transient : null;

    public static bool TryReadCode(string body, out int code, out string? message)
    {
        code = 0;
        message = null;
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("code", out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out code))
            {
                message = json.RootElement.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String
                    ? text.GetString()
                    : null;
                return true;
            }
        }
        catch (JsonException)
        {
            // Not Twilio's error shape; the HTTP status alone decides.
        }

        return false;
    }
}
