using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Silences;

/// <summary>
/// A time-bound mute: between <see cref="StartsAt"/> (inclusive) and <see cref="EndsAt"/> (exclusive), deliveries
/// whose alert and subscription match every non-empty matcher are not sent. Extreme alerts get through unless
/// <see cref="IncludeExtreme"/> says otherwise.
/// </summary>
public sealed record Silence(
    string Id,
    SilenceMatchers Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string CreatedBy,
    string Comment,
    bool IncludeExtreme)
{
    public bool IsActiveAt(DateTimeOffset now) => StartsAt <= now && now < EndsAt;

    public SilenceStatus StatusAt(DateTimeOffset now) =>
        now < StartsAt ? SilenceStatus.Pending : now < EndsAt ? SilenceStatus.Active : SilenceStatus.Expired;
}

public enum SilenceStatus
{
    Pending,
    Active,
    Expired,
}

/// <summary>
/// What a silence applies to. An empty list means any; every non-empty list must match, and within a list one
/// value is enough. A silence needs at least one non-empty list, so that nothing mutes everything by accident.
/// </summary>
public sealed record SilenceMatchers
{
    public IReadOnlyList<string> SubscriptionIds { get; init; } = [];

    public IReadOnlyList<DeliveryChannel> Channels { get; init; } = [];

    /// <summary>ISO 3166-1 alpha-2 codes, compared with the alert's country.</summary>
    public IReadOnlyList<string> Countries { get; init; } = [];

    /// <summary>ISO 3166-2 codes; one of the alert's regions must be listed.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>Target vocabulary; one target shared with the alert is enough.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    public IReadOnlyList<string> AlertIds { get; init; } = [];

    /// <summary>Feed names; one of the alert's sources must come from a listed feed.</summary>
    public IReadOnlyList<string> Feeds { get; init; } = [];

    public bool IsEmpty =>
        SubscriptionIds.Count == 0 && Channels.Count == 0 && Countries.Count == 0 && Regions.Count == 0
        && Targets.Count == 0 && AlertIds.Count == 0 && Feeds.Count == 0;
}
