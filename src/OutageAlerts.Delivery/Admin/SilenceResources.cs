using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OutageAlerts.Delivery.Silences;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Admin;

/// <summary>
/// The body of <c>POST /silences</c>. Times are ISO 8601; one without an offset is taken as UTC. A missing
/// <see cref="StartsAt"/> means now.
/// </summary>
public sealed class SilenceRequest
{
    public SilenceMatchersRequest? Matchers { get; set; }
    public string? StartsAt { get; set; }
    public string? EndsAt { get; set; }
    public string? Comment { get; set; }
    public bool? IncludeExtreme { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class SilenceMatchersRequest
{
    public List<string?>? SubscriptionIds { get; set; }
    public List<string?>? Channels { get; set; }
    public List<string?>? Countries { get; set; }
    public List<string?>? Regions { get; set; }
    public List<string?>? Targets { get; set; }
    public List<string?>? AlertIds { get; set; }
    public List<string?>? Feeds { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed record SilenceMatchersResource(
    IReadOnlyList<string> SubscriptionIds,
    IReadOnlyList<string> Channels,
    IReadOnlyList<string> Countries,
    IReadOnlyList<string> Regions,
    IReadOnlyList<string> Targets,
    IReadOnlyList<string> AlertIds,
    IReadOnlyList<string> Feeds);

/// <summary>A silence as the API shows it, with its status (pending, active, expired) at the time of the answer.</summary>
public sealed record SilenceResource(
    string Id,
    string Status,
    SilenceMatchersResource Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string CreatedBy,
    string Comment,
    bool IncludeExtreme)
{
    public static SilenceResource From(Silence s, DateTimeOffset now) => new(
        s.Id,
        AdminEnums.Name(s.StatusAt(now), lowerCase: true),
        new SilenceMatchersResource(
            s.Matchers.SubscriptionIds,
            [.. s.Matchers.Channels.Select(c => AdminEnums.Name(c, lowerCase: true))],
            s.Matchers.Countries,
            s.Matchers.Regions,
            s.Matchers.Targets,
            s.Matchers.AlertIds,
            s.Matchers.Feeds),
        s.StartsAt,
        s.EndsAt,
        s.CreatedBy,
        s.Comment,
        s.IncludeExtreme);
}

internal static class SilenceRequestMapper
{
    private static readonly HashSet<string> Echoed = new(StringComparer.OrdinalIgnoreCase) { "id", "status", "createdBy" };
    private static readonly HashSet<string> None = new(StringComparer.Ordinal);

    /// <summary>A silence to store (id empty, to be generated) with every problem in <paramref name="errors"/>.</summary>
    public static Silence ToSilence(SilenceRequest request, string createdBy, DateTimeOffset now, Dictionary<string, List<string>> errors)
    {
        AdminHttp.CheckUnknown(request.Unknown, "", Echoed, errors);
        var m = request.Matchers ?? new SilenceMatchersRequest();
        AdminHttp.CheckUnknown(m.Unknown, "matchers.", None, errors);

        var channels = new List<DeliveryChannel>();
        foreach (var text in Values(m.Channels, null))
        {
            if (AdminEnums.TryParse<DeliveryChannel>(text, out var channel))
            {
                channels.Add(channel);
            }
            else
            {
                AdminHttp.Add(errors, "matchers.channels",
                    $"'{AdminEnums.Shorten(text)}' is not one of: {string.Join(", ", AdminEnums.Names<DeliveryChannel>(lowerCase: true))}.");
            }
        }

        var startsAt = Instant(request.StartsAt, "startsAt", errors) ?? now;
        var endsAt = Instant(request.EndsAt, "endsAt", errors);
        if (request.EndsAt is null)
        {
            AdminHttp.Add(errors, "endsAt", "is required.");
        }

        var silence = new Silence(
            "",
            new SilenceMatchers
            {
                SubscriptionIds = Values(m.SubscriptionIds, null),
                Channels = [.. channels.Distinct()],
                Countries = Values(m.Countries, upperCase: true),
                Regions = Values(m.Regions, upperCase: true),
                Targets = Values(m.Targets, upperCase: false),
                AlertIds = Values(m.AlertIds, null),
                Feeds = Values(m.Feeds, null),
            },
            startsAt,
            endsAt ?? startsAt,
            createdBy,
            request.Comment?.Trim() ?? "",
            request.IncludeExtreme ?? false);

        var parsed = errors.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var (field, messages) in SilenceRules.Check(silence, now).Where(e => !parsed.Contains(e.Key)))
        {
            foreach (var message in messages)
            {
                AdminHttp.Add(errors, field, message);
            }
        }

        return silence;
    }

    private static DateTimeOffset? Instant(string? text, string field, Dictionary<string, List<string>> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant.ToUniversalTime();
        }

        AdminHttp.Add(errors, field, "must be an ISO 8601 date and time (e.g. 2025-11-08T18:00:00Z).");
        return null;
    }

    /// <summary>Trimmed, without duplicates; case changed only for codes (countries, regions, targets).</summary>
    private static List<string> Values(List<string?>? values, bool? upperCase) =>
        values is null
            ? []
            : [.. values
                .Select(v => v?.Trim() ?? "")
                .Select(v => upperCase switch { true => v.ToUpperInvariant(), false => v.ToLowerInvariant(), null => v })
                .Distinct(StringComparer.Ordinal)];
}
