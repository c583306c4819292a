using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using MimeKit;
using OutageAlerts.Delivery.Email;
using OutageAlerts.Delivery.Sms;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>One problem with one field of a subscription; <see cref="Field"/> is the property name (Target, Secret…).</summary>
public readonly record struct SubscriptionFieldError(string Field, string Message);

/// <summary>
/// Checks the subscriptions together with the channel settings they need, so that a bad entry fails the start
/// with a message naming its configuration key instead of failing each delivery later.
/// </summary>
internal sealed partial class SubscriptionsValidator(
    IOptions<SmtpOptions> smtp,
    IOptions<SmsOptions> sms,
    IOptions<DeliveryOptions> delivery) : IValidateOptions<SubscriptionsOptions>
{
    public ValidateOptionsResult Validate(string? name, SubscriptionsOptions options)
    {
        var failures = Check(options, smtp.Value, sms.Value, delivery.Value);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static List<string> Check(SubscriptionsOptions options, SmtpOptions smtp, SmsOptions sms, DeliveryOptions delivery)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in options.Items)
        {
            var key = s.ConfigurationPath;
            var errors = CheckFields(s);
            if (!string.IsNullOrWhiteSpace(s.Id) && !seen.Add(s.Id))
            {
                errors.Add(new(nameof(Subscription.Id), $"'{s.Id}' is used by another subscription; ids must be unique."));
            }

            failures.AddRange(errors.OrderBy(e => FieldOrder(e.Field)).Select(e => $"{key}:{e.Field} {e.Message}"));
        }

        CheckChannels(options, smtp, sms, delivery, failures);
        return failures;
    }

    /// <summary>
    /// The rules of <see cref="Check"/> for one subscription on its own (the admin API's create and update), keyed
    /// by field, including what its channel needs from the service's configuration.
    /// </summary>
    public static IReadOnlyList<SubscriptionFieldError> CheckOne(
        Subscription subscription, SmtpOptions smtp, SmsOptions sms, DeliveryOptions delivery)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var errors = CheckFields(subscription);
        if (subscription.Channel is { } channel)
        {
            errors.AddRange(MissingChannelSettings(channel, smtp, sms, delivery).Select(m =>
                new SubscriptionFieldError(nameof(Subscription.Channel), $"{channel.ToString().ToLowerInvariant()} cannot be delivered by this service: {m}")));
        }

        return errors;
    }

    private static List<SubscriptionFieldError> CheckFields(Subscription s)
    {
        var errors = new List<SubscriptionFieldError>();
        if (string.IsNullOrWhiteSpace(s.Id))
        {
            errors.Add(new(nameof(Subscription.Id), "is required."));
        }

        if (s.Channel is null)
        {
            errors.Add(new(nameof(Subscription.Channel), "is required (webhook, email or sms)."));
        }

        CheckTarget(s, errors);
        CheckFilters(s, errors);

        // A missing channel is reported on its own; what depends on it is judged once it is known.
        if (s.Format == SubscriptionFormat.Cap && s.Channel is not (null or DeliveryChannel.Webhook))
        {
            errors.Add(new(nameof(Subscription.Format), "cap is only available for webhook subscriptions."));
        }

        return errors;
    }

    // Keeps the order of the messages at start as it always was: id and channel first, then the rest as found.
    private static int FieldOrder(string field) => field switch
    {
        nameof(Subscription.Id) => 0,
        nameof(Subscription.Channel) => 1,
        _ => 2,
    };

    private static void CheckTarget(Subscription s, List<SubscriptionFieldError> failures)
    {
        switch (s.Channel)
        {
            case DeliveryChannel.Webhook:
                if (!Uri.TryCreate(s.Target, UriKind.Absolute, out var uri)
                    || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                {
                    failures.Add(new(nameof(Subscription.Target), "must be an absolute http or https URL for webhook."));
                }

                if (!WebhookSignature.TryDecodeSecret(s.Secret, out _))
                {
                    failures.Add(new(nameof(Subscription.Secret), $"must be '{WebhookSignature.SecretPrefix}' followed by the base64 of " +
                        $"{WebhookSignature.MinSecretBytes} to {WebhookSignature.MaxSecretBytes} random bytes for webhook."));
                }

                break;
            case DeliveryChannel.Email:
                if (!IsEmailAddress(s.Target))
                {
                    failures.Add(new(nameof(Subscription.Target), "must be an email address (name@domain) for email."));
                }

                break;
            case DeliveryChannel.Sms:
                if (!PhoneNumber.IsE164(s.Target))
                {
                    failures.Add(new(nameof(Subscription.Target), "must be an E.164 number for sms (e.g. +380501234567)."));
                }

                break;
        }
    }

    private static void CheckFilters(Subscription s, List<SubscriptionFieldError> failures)
    {
        foreach (var country in s.Countries.Where(c => !CountryPattern().IsMatch(c)))
        {
            failures.Add(new(nameof(Subscription.Countries), $"has '{country}', which is not an ISO 3166-1 alpha-2 code (e.g. UA)."));
        }

        foreach (var region in s.Regions.Where(r => !RegionPattern().IsMatch(r)))
        {
            failures.Add(new(nameof(Subscription.Regions), $"has '{region}', which is not an ISO 3166-2 code (e.g. UA-63)."));
        }

        foreach (var language in s.Languages.Where(l => !LanguagePattern().IsMatch(l)))
        {
            failures.Add(new(nameof(Subscription.Languages), $"has '{language}', which is not an ISO 639-1 code (e.g. uk)."));
        }

        if (s.Language is not null && s.Language is not ("en" or "uk"))
        {
            failures.Add(new(nameof(Subscription.Language), "must be en or uk (or unset to follow the alert's language)."));
        }

        foreach (var target in s.Targets.Where(t => !AlertTargets.IsKnown(t)))
        {
            failures.Add(new(nameof(Subscription.Targets), $"has '{target}', which is not one of: {string.Join(", ", AlertTargets.All)}."));
        }

        CheckSchedule(s, failures);
    }

    private static void CheckSchedule(Subscription s, List<SubscriptionFieldError> failures)
    {
        if (s.Mode == SubscriptionMode.Digest && s.Channel is not (null or DeliveryChannel.Email))
        {
            failures.Add(new(nameof(Subscription.Mode), "digest is only available for email subscriptions."));
        }

        if (s.Mode == SubscriptionMode.Digest && s.DigestMaxSeverity is Contracts.Severity.Extreme)
        {
            failures.Add(new(nameof(Subscription.DigestMaxSeverity), "must be below Extreme: Extreme alerts always go out at once."));
        }

        if (s.QuietHours is not null && !QuietHoursWindow.TryParse(s.QuietHours, out _))
        {
            failures.Add(new(nameof(Subscription.QuietHours), "must be two different local times as HH:mm-HH:mm (e.g. 22:00-07:00)."));
        }

        if (!TryFindTimeZone(s.TimeZone, out _))
        {
            failures.Add(new(nameof(Subscription.TimeZone), $"'{s.TimeZone}' is not a known IANA time zone (e.g. Europe/Kyiv)."));
        }

        if (s.MaxPerHour is < 0 or > 10_000)
        {
            failures.Add(new(nameof(Subscription.MaxPerHour), "must be between 0 (no cap) and 10000."));
        }
    }

    internal static bool TryFindTimeZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    private static void CheckChannels(
        SubscriptionsOptions options, SmtpOptions smtp, SmsOptions sms, DeliveryOptions delivery, List<string> failures)
    {
        if (!IsMailbox(smtp.From))
        {
            failures.Add($"{SmtpOptions.SectionName}:From must be a mailbox such as 'Alerts <alerts@example.org>'.");
        }

        if (smtp.MaxConnections is < 1 or > 64)
        {
            failures.Add($"{SmtpOptions.SectionName}:MaxConnections must be between 1 and 64.");
        }

        if (smtp.UnsubscribeUrl is { } unsubscribe
            && (!Uri.TryCreate(unsubscribe.Replace("{subscriptionId}", "x", StringComparison.Ordinal), UriKind.Absolute, out var page)
                || (page.Scheme != Uri.UriSchemeHttps && page.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add($"{SmtpOptions.SectionName}:UnsubscribeUrl must be an absolute http or https URL.");
        }

        if (smtp.Port is < 1 or > 65535)
        {
            failures.Add($"{SmtpOptions.SectionName}:Port must be between 1 and 65535.");
        }

        if (!Uri.TryCreate(sms.BaseUrl, UriKind.Absolute, out var baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{SmsOptions.SectionName}:BaseUrl must be an absolute http or https URL.");
        }

        foreach (var channel in options.Items.Select(s => s.Channel).OfType<DeliveryChannel>().Distinct().Order())
        {
            failures.AddRange(MissingChannelSettings(channel, smtp, sms, delivery));
        }
    }

    /// <summary>What the channel needs from the service's own configuration before anything can be sent through it.</summary>
    private static List<string> MissingChannelSettings(DeliveryChannel channel, SmtpOptions smtp, SmsOptions sms, DeliveryOptions delivery)
    {
        var missing = new List<string>();
        // The outbox replaces sending, so accounts are only needed when something would really be sent.
        if (delivery.OutboxEnabled)
        {
            return missing;
        }

        if (channel == DeliveryChannel.Email && string.IsNullOrWhiteSpace(smtp.Host))
        {
            missing.Add(
                $"{SmtpOptions.SectionName}:Host is required because there are email subscriptions " +
                $"(or set {DeliveryOptions.SectionName}:OutboxDirectory to write emails to files).");
        }

        if (channel == DeliveryChannel.Sms)
        {
            if (sms.Provider == SmsProvider.Twilio && string.IsNullOrWhiteSpace(sms.AccountSid))
            {
                missing.Add($"{SmsOptions.SectionName}:AccountSid is required because there are sms subscriptions.");
            }

            if (sms.Provider == SmsProvider.Twilio && string.IsNullOrWhiteSpace(sms.AuthToken))
            {
                missing.Add($"{SmsOptions.SectionName}:AuthToken is required because there are sms subscriptions.");
            }

            if (!PhoneNumber.IsSenderId(sms.From))
            {
                missing.Add(
                    $"{SmsOptions.SectionName}:From must be an E.164 number or an alphanumeric sender id " +
                    "because there are sms subscriptions.");
            }
        }

        return missing;
    }

    /// <summary>ISO 3166-1 alpha-2 in capitals (UA), as filters and silences take countries.</summary>
    internal static bool IsCountryCode(string value) => CountryPattern().IsMatch(value);

    /// <summary>ISO 3166-2 in capitals (UA-63), as filters and silences take regions.</summary>
    internal static bool IsRegionCode(string value) => RegionPattern().IsMatch(value);

    internal static bool IsEmailAddress(string? value) =>
        value is not null
        && MailboxAddress.TryParse(value, out var mailbox)
        && string.Equals(mailbox.Address, value, StringComparison.OrdinalIgnoreCase)
        && HasLocalPartAndDomain(mailbox.Address);

    private static bool IsMailbox(string? value) =>
        value is not null && MailboxAddress.TryParse(value, out var mailbox) && HasLocalPartAndDomain(mailbox.Address);

    private static bool HasLocalPartAndDomain(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1;
    }

    [GeneratedRegex("^[a-z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguagePattern();

    [GeneratedRegex("^[A-Z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex CountryPattern();

    [GeneratedRegex("^[A-Z]{2}-[A-Z0-9]{1,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();
}
