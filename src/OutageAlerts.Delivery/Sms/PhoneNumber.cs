using System.Text.RegularExpressions;

namespace OutageAlerts.Delivery.Sms;

internal static partial class PhoneNumber
{
    /// <summary>E.164: a plus, a country code that does not start with 0, at most 15 digits in all.</summary>
    public static bool IsE164(string? value) => value is not null && E164Pattern().IsMatch(value);

    /// <summary>Alphanumeric sender ids are what gateways accept besides numbers: 1–11 letters, digits, spaces.</summary>
    public static bool IsSenderId(string? value) =>
        value is not null && (IsE164(value) || AlphanumericSenderPattern().IsMatch(value));

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164Pattern();

    [GeneratedRegex(@"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$", RegexOptions.CultureInvariant)]
    private static partial Regex AlphanumericSenderPattern();
}
