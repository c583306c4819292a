using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Silences;

/// <summary>What makes a silence acceptable; errors are keyed by the request's field names (endsAt, matchers.regions…).</summary>
public static class SilenceRules
{
    /// <summary>A longer mute is a subscription change in disguise, and would be forgotten.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    public const int MaxValuesPerMatcher = 100;
    public const int MaxValueLength = 200;
    public const int MaxCommentLength = 500;

    public static IReadOnlyDictionary<string, List<string>> Check(Silence silence, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(silence);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        var m = silence.Matchers;
        if (m.IsEmpty)
        {
            Fail("matchers", "needs at least one non-empty list (subscriptionIds, channels, countries, regions, targets, alertIds or feeds).");
        }

        CheckValues(m.SubscriptionIds, "matchers.subscriptionIds", StoredSubscriptions.IsValidId,
            "is not a subscription id (1 to 64 of A-Z, a-z, 0-9, '.', '_', '-').", Fail);
        CheckValues(m.Countries, "matchers.countries", SubscriptionsValidator.IsCountryCode,
            "is not an ISO 3166-1 alpha-2 code (e.g. UA).", Fail);
        CheckValues(m.Regions, "matchers.regions", SubscriptionsValidator.IsRegionCode,
            "is not an ISO 3166-2 code (e.g. UA-63).", Fail);
        CheckValues(m.Targets, "matchers.targets", AlertTargets.IsKnown,
            $"is not one of: {string.Join(", ", AlertTargets.All)}.", Fail);
        CheckValues(m.AlertIds, "matchers.alertIds", v => v.Trim().Length > 0 && v.Length <= MaxValueLength,
            $"must be 1 to {MaxValueLength} characters.", Fail);
        CheckValues(m.Feeds, "matchers.feeds", v => v.Trim().Length > 0 && v.Length <= MaxValueLength,
            $"must be 1 to {MaxValueLength} characters.", Fail);
        if (m.Channels.Count > MaxValuesPerMatcher)
        {
            Fail("matchers.channels", $"may hold at most {MaxValuesPerMatcher} values.");
        }

        if (silence.EndsAt <= silence.StartsAt)
        {
            Fail("endsAt", "must be after startsAt.");
        }
        else if (silence.EndsAt - silence.StartsAt > MaxDuration)
        {
            Fail("endsAt", $"must be at most {MaxDuration.TotalDays:0} days after startsAt.");
        }

        if (silence.EndsAt <= now)
        {
            Fail("endsAt", "must be in the future.");
        }

        if (string.IsNullOrWhiteSpace(silence.Comment))
        {
            Fail("comment", "is required: say why, so whoever finds the silence knows whether it may go.");
        }
        else if (silence.Comment.Length > MaxCommentLength)
        {
            Fail("comment", $"must be at most {MaxCommentLength} characters.");
        }

        return errors;
    }

    private static void CheckValues(
        IReadOnlyList<string> values, string field, Func<string, bool> isValid, string problem, Action<string, string> fail)
    {
        if (values.Count > MaxValuesPerMatcher)
        {
            fail(field, $"may hold at most {MaxValuesPerMatcher} values.");
            return;
        }

        foreach (var value in values.Where(v => !isValid(v)))
        {
            fail(field, $"'{Shorten(value)}' {problem}");
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
