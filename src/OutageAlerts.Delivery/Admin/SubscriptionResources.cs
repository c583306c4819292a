using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Admin;

/// <summary>
/// The body of <c>POST /subscriptions</c> and <c>PUT /subscriptions/{id}</c>: the fields of contract 5 in camelCase.
/// PUT replaces the whole subscription (omitted fields take their defaults) except <see cref="Secret"/>, which is
/// kept when omitted. What GET adds (source, hasSecret, revision…) may be sent back and is ignored.
/// </summary>
public sealed class SubscriptionRequest
{
    public string? Id { get; set; }
    public string? Channel { get; set; }
    public string? Target { get; set; }
    public string? Secret { get; set; }
    public string? Format { get; set; }
    public string? MinSeverity { get; set; }
    public List<string?>? Countries { get; set; }
    public List<string?>? Regions { get; set; }
    public List<string?>? Targets { get; set; }
    public List<string?>? Languages { get; set; }
    public string? Language { get; set; }
    public string? Mode { get; set; }
    public string? DigestPeriod { get; set; }
    public string? DigestMaxSeverity { get; set; }

    /// <summary>Local time as <c>HH:mm</c>.</summary>
    public string? DigestTime { get; set; }

    public string? QuietHours { get; set; }
    public string? TimeZone { get; set; }
    public int? MaxPerHour { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>
/// A subscription as the API shows it. The webhook secret is never shown, only whether there is one; the rest is
/// shown in full because the owner needs it to check what is delivered where.
/// </summary>
public sealed record SubscriptionResource(
    string Id,
    string Source,
    string? Channel,
    string Target,
    bool HasSecret,
    string Format,
    string MinSeverity,
    IReadOnlyList<string> Countries,
    IReadOnlyList<string> Regions,
    IReadOnlyList<string> Targets,
    IReadOnlyList<string> Languages,
    string? Language,
    string Mode,
    string DigestPeriod,
    string DigestMaxSeverity,
    string DigestTime,
    string? QuietHours,
    string TimeZone,
    int? MaxPerHour,
    string? ConfigurationKey,
    long? Revision,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt)
{
    public const string ConfigurationSource = "configuration";
    public const string ApiSource = "api";

    public static SubscriptionResource FromConfiguration(Subscription s) =>
        From(s, ConfigurationSource, s.ConfigurationPath, null, null, null);

    public static SubscriptionResource FromStore(StoredSubscription stored) =>
        From(stored.Subscription, ApiSource, null, stored.Revision, stored.CreatedAt, stored.UpdatedAt);

    private static SubscriptionResource From(
        Subscription s, string source, string? configurationKey, long? revision, DateTimeOffset? createdAt, DateTimeOffset? updatedAt) =>
        new(
            s.Id,
            source,
            s.Channel is { } channel ? AdminEnums.Name(channel, lowerCase: true) : null,
            s.Target,
            !string.IsNullOrEmpty(s.Secret),
            AdminEnums.Name(s.Format, lowerCase: true),
            s.MinSeverity.ToString(),
            s.Countries,
            s.Regions,
            s.Targets,
            s.Languages,
            s.Language,
            AdminEnums.Name(s.Mode, lowerCase: true),
            AdminEnums.Name(s.DigestPeriod, lowerCase: true),
            s.DigestMaxSeverity.ToString(),
            s.DigestTime.ToString("HH:mm", CultureInfo.InvariantCulture),
            s.QuietHours,
            s.TimeZone,
            s.MaxPerHour,
            configurationKey,
            revision,
            createdAt,
            updatedAt);
}

/// <summary>Turns a request into a <see cref="Subscription"/>, normalised the way configuration binding does.</summary>
internal static class SubscriptionRequestMapper
{
    /// <summary>What a client may send back from a GET without it counting as an unknown field.</summary>
    private static readonly HashSet<string> Echoed = new(StringComparer.OrdinalIgnoreCase)
    {
        "source", "hasSecret", "configurationKey", "revision", "createdAt", "updatedAt",
    };

    private static readonly string[] TimeFormats = ["HH:mm", "HH:mm:ss"];

    public static Subscription ToSubscription(SubscriptionRequest request, Dictionary<string, List<string>> errors)
    {
        AdminHttp.CheckUnknown(request.Unknown, "", Echoed, errors);
        var subscription = new Subscription
        {
            Id = request.Id?.Trim() ?? "",
            Channel = string.IsNullOrWhiteSpace(request.Channel)
                ? null
                : AdminEnums.TryParse<DeliveryChannel>(request.Channel, out var channel) ? channel : Unknown<DeliveryChannel>(request.Channel, "channel", errors),
            Target = request.Target?.Trim() ?? "",
            Secret = string.IsNullOrEmpty(request.Secret) ? null : request.Secret,
            Format = AdminEnums.Parse(request.Format, "format", SubscriptionFormat.Json, lowerCase: true, errors),
            MinSeverity = AdminEnums.Parse(request.MinSeverity, "minSeverity", Subscription.DefaultMinSeverity, lowerCase: false, errors),
            Countries = List(request.Countries, upperCase: true),
            Regions = List(request.Regions, upperCase: true),
            Targets = List(request.Targets, upperCase: false),
            Languages = List(request.Languages, upperCase: false),
            Language = string.IsNullOrWhiteSpace(request.Language) ? null : request.Language.Trim().ToLowerInvariant(),
            Mode = AdminEnums.Parse(request.Mode, "mode", SubscriptionMode.Immediate, lowerCase: true, errors),
            DigestPeriod = AdminEnums.Parse(request.DigestPeriod, "digestPeriod", Subscription.DefaultDigestPeriod, lowerCase: true, errors),
            DigestMaxSeverity = AdminEnums.Parse(request.DigestMaxSeverity, "digestMaxSeverity", Subscription.DefaultDigestMaxSeverity, lowerCase: false, errors),
            DigestTime = Time(request.DigestTime, errors),
            QuietHours = string.IsNullOrWhiteSpace(request.QuietHours) ? null : request.QuietHours.Trim(),
            TimeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? Subscription.DefaultTimeZone : request.TimeZone.Trim(),
            MaxPerHour = request.MaxPerHour,
        };
        return subscription;
    }

    /// <summary>The rules configuration is held to, plus the API's own id rule; fields already in error are not piled on.</summary>
    public static void Validate(Subscription subscription, SubscriptionRules rules, Dictionary<string, List<string>> errors)
    {
        if (subscription.Id.Length > 0 && !StoredSubscriptions.IsValidId(subscription.Id))
        {
            AdminHttp.Add(errors, "id", $"must be 1 to {StoredSubscriptions.MaxIdLength} characters of A-Z, a-z, 0-9, '.', '_' and '-'.");
        }

        var parsed = errors.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var error in SubscriptionsValidator.CheckOne(subscription, rules.Smtp, rules.Sms, rules.Delivery))
        {
            var field = AdminHttp.CamelCase(error.Field);
            if (!parsed.Contains(field))
            {
                AdminHttp.Add(errors, field, $"{error.Field} {error.Message}");
            }
        }
    }

    private static TEnum? Unknown<TEnum>(string text, string field, Dictionary<string, List<string>> errors)
        where TEnum : struct, Enum
    {
        AdminHttp.Add(errors, field, $"'{AdminEnums.Shorten(text)}' is not one of: {string.Join(", ", AdminEnums.Names<TEnum>(lowerCase: true))}.");
        return null;
    }

    private static TimeOnly Time(string? text, Dictionary<string, List<string>> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Subscription.DefaultDigestTime;
        }

        if (TimeOnly.TryParseExact(text.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        AdminHttp.Add(errors, "digestTime", "must be a local time as HH:mm (e.g. 08:00).");
        return Subscription.DefaultDigestTime;
    }

    private static List<string> List(List<string?>? values, bool upperCase) =>
        values is null
            ? []
            : [.. values
                .Select(v => v?.Trim() ?? "")
                .Where(v => v.Length > 0)
                .Select(v => upperCase ? v.ToUpperInvariant() : v.ToLowerInvariant())
                .Distinct(StringComparer.Ordinal)];
}

/// <summary>The channel settings a subscription is checked against, as they are now.</summary>
internal sealed record SubscriptionRules(Email.SmtpOptions Smtp, Sms.SmsOptions Sms, DeliveryOptions Delivery);
