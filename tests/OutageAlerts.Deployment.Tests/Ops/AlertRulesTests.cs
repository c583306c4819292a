using System.Text.RegularExpressions;

namespace OutageAlerts.Deployment.Tests.Ops;

public sealed partial class AlertRulesTests
{
    private const string RulesFile = "ops/prometheus/rules/outage-alerts.yml";

    [Fact]
    public void Rules_EveryAlert_HasSeveritySummaryAndRunbookSection()
    {
        var anchors = RunbookAnchors();
        var rules = MetricUsage.Rules(RulesFile).ToList();

        Assert.NotEmpty(rules);
        Assert.All(rules, rule =>
        {
            var name = rule.Scalar("alert");
            Assert.False(string.IsNullOrEmpty(name));
            Assert.False(string.IsNullOrWhiteSpace(rule.Scalar("expr")), name);
            Assert.Contains(rule.Scalar("labels.severity"), new[] { "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace(rule.Scalar("annotations.summary")), name);
            var runbook = rule.Scalar("annotations.runbook_url") ?? "";
            Assert.StartsWith("ops/runbook.md#", runbook, StringComparison.Ordinal);
            Assert.Contains(runbook["ops/runbook.md#".Length..], anchors);
        });
    }

    [Fact]
    public void Rules_IssueEightAlerts_AreAllThere()
    {
        var alerts = MetricUsage.Rules(RulesFile).Select(r => r.Scalar("alert")).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(
            new HashSet<string?>(
            [
                "OutageAlertsFeedStale", "OutageAlertsDeliveryFailureRate", "OutageAlertsErrorQueueNotEmpty",
                "OutageAlertsSourceWentQuiet", "OutageAlertsRetryBacklog",
            ]),
            alerts);
    }

    [Fact]
    public void Rules_AlertNames_AreUnique()
    {
        var names = MetricUsage.Rules(RulesFile).Select(r => r.Scalar("alert")).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> RunbookAnchors() =>
        Heading().Matches(RepositoryFiles.Read("ops", "runbook.md"))
            .Select(m => Slug().Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^#{1,6}\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{N}\s_-]")]
    private static partial Regex Slug();
}
