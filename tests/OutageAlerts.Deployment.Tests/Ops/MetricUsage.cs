using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace OutageAlerts.Deployment.Tests.Ops;

/// <summary>The PromQL the operations kit runs: Grafana panel targets and variables, Prometheus rule expressions.</summary>
internal static class MetricUsage
{
    public static IEnumerable<string> DashboardFiles() => RepositoryFiles.Under("ops/grafana/dashboards", ".json");

    public static IEnumerable<string> RuleFiles() => RepositoryFiles.Under("ops/prometheus/rules", ".yml", ".yaml");

    /// <summary>Metric names per place they are used ("file: panel title").</summary>
    public static IEnumerable<(string Where, string Metric)> InDashboard(string path)
    {
        var dashboard = JsonNode.Parse(RepositoryFiles.Read(path))!;
        foreach (var panel in Panels(dashboard))
        {
            var title = panel["title"]?.GetValue<string>() ?? "?";
            foreach (var target in panel["targets"]?.AsArray() ?? [])
            {
                if (target?["expr"]?.GetValue<string>() is { } expr)
                {
                    foreach (var metric in PromQl.MetricNames(expr))
                    {
                        yield return ($"{path}: {title}", metric);
                    }
                }
            }
        }

        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            var query = variable?["query"] switch
            {
                JsonValue value => value.GetValue<string>(),
                JsonObject queryObject => queryObject["query"]?.GetValue<string>(),
                _ => null,
            };
            if (variable?["type"]?.GetValue<string>() == "query" && query is not null)
            {
                var metric = PromQl.LabelValuesMetric(query);
                IEnumerable<string> names = metric is null ? PromQl.MetricNames(query) : [metric];
                foreach (var name in names)
                {
                    yield return ($"{path}: variable {variable["name"]}", name);
                }
            }
        }
    }

    public static IEnumerable<(string Where, string Metric)> InRules(string path)
    {
        foreach (var rule in Rules(path))
        {
            var name = rule.Scalar("alert") ?? rule.Scalar("record") ?? "?";
            foreach (var metric in PromQl.MetricNames(rule.Scalar("expr") ?? ""))
            {
                yield return ($"{path}: {name}", metric);
            }
        }
    }

    public static IEnumerable<YamlNode> Rules(string path) =>
        YamlDocuments.LoadMapping(RepositoryFiles.Read(path)).Items("groups").SelectMany(group => group.Items("rules"));

    /// <summary>Dashboard panels, rows' nested panels included.</summary>
    public static IEnumerable<JsonNode> Panels(JsonNode dashboard)
    {
        foreach (var panel in dashboard["panels"]?.AsArray() ?? [])
        {
            if (panel is null)
            {
                continue;
            }

            yield return panel;
            foreach (var nested in panel["panels"]?.AsArray() ?? [])
            {
                if (nested is not null)
                {
                    yield return nested;
                }
            }
        }
    }
}
