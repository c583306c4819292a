using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace OutageAlerts.Deployment.Tests.Ops;

public sealed class OpsFilesTests
{
    public static TheoryData<string> YamlFiles() =>
    [
        .. RepositoryFiles.Under("ops", ".yml", ".yaml"),
        .. RepositoryFiles.Under("helm", ".yml", ".yaml").Where(p => !p.Contains("/templates/", StringComparison.Ordinal)),
    ];

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Load_EveryPlainYamlFile_IsWellFormed(string path)
    {
        var documents = YamlDocuments.Load(RepositoryFiles.Read(path));

        Assert.NotEmpty(documents);
        Assert.All(documents, d => Assert.IsType<YamlMappingNode>(d.RootNode));
    }

    [Fact]
    public void Compose_Stack_HasEveryPartOfTheLocalKit()
    {
        var services = Compose().At("services") as YamlMappingNode;

        Assert.NotNull(services);
        var names = services.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(
            new HashSet<string?>(["rabbitmq", "postgres", "otel-collector", "jaeger", "prometheus", "grafana", "mailpit", "ingestion", "delivery"]),
            names);
        Assert.Contains("management", services.Scalar("rabbitmq.image"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ingestion")]
    [InlineData("delivery")]
    public void Compose_ServiceRoles_RunReadOnlyWithTheirRole(string service)
    {
        var node = Compose().At($"services.{service}")!;

        Assert.Equal(["run", "--role", service], node.Items("command").Select(c => ((YamlScalarNode)c).Value));
        Assert.Equal("true", node.Scalar("read_only"));
        Assert.Equal("RabbitMq", node.Scalar("environment.OutageAlerts__Transport"));
        Assert.Equal("Postgres", node.Scalar("environment.OutageAlerts__Store__Provider"));
        Assert.StartsWith("http://otel-collector:", node.Scalar("environment.OTEL_EXPORTER_OTLP_ENDPOINT"), StringComparison.Ordinal);
        Assert.Contains(node.Items("volumes"), v => ((YamlScalarNode)v).Value!.EndsWith(":/data", StringComparison.Ordinal));
    }

    [Fact]
    public void Compose_BindMounts_ExistInTheRepository()
    {
        var sources = ((YamlMappingNode)Compose().At("services")!).Children.Values
            .SelectMany(service => service.Items("volumes"))
            .Select(v => ((YamlScalarNode)v).Value!.Split(':')[0])
            .Where(source => source.StartsWith('.'))
            .ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.True(
            Path.Exists(Path.GetFullPath(Path.Combine(RepositoryFiles.PathTo("ops"), source))), $"ops/{source} is missing"));
    }

    [Fact]
    public void Prometheus_ScrapeConfig_ScrapesTheRolesAndLoadsTheRules()
    {
        var config = YamlDocuments.LoadMapping(RepositoryFiles.Read("ops", "prometheus", "prometheus.yml"));
        var job = config.Items("scrape_configs").Single(j => j.Scalar("job_name") == "outage-alerts");

        Assert.Equal("/metrics", job.Scalar("metrics_path"));
        var targets = job.Items("dns_sd_configs").SelectMany(d => d.Items("names")).Select(n => ((YamlScalarNode)n).Value).ToList();
        Assert.Contains("ingestion", targets);
        Assert.Contains("delivery", targets);
        Assert.Contains(config.Items("rule_files"), f => ((YamlScalarNode)f).Value == "/etc/prometheus/rules/*.yml");
    }

    [Fact]
    public void Collector_Pipelines_UseDeclaredComponents()
    {
        var config = YamlDocuments.LoadMapping(RepositoryFiles.Read("ops", "otel-collector.yaml"));
        var pipelines = (YamlMappingNode)config.At("service.pipelines")!;

        Assert.Contains("traces", pipelines.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        foreach (var pipeline in pipelines.Children.Values)
        {
            foreach (var section in new[] { "receivers", "processors", "exporters" })
            {
                Assert.All(pipeline.Items(section), component =>
                    Assert.NotNull(config.At(section)!.At(((YamlScalarNode)component).Value!)));
            }
        }

        Assert.StartsWith("jaeger:", config.Scalar("exporters.otlp/jaeger.endpoint"), StringComparison.Ordinal);
    }

    [Fact]
    public void Grafana_Provisioning_PointsAtTheDashboardAndDatasources()
    {
        var provider = YamlDocuments.LoadMapping(RepositoryFiles.Read("ops", "grafana", "provisioning", "dashboards", "dashboards.yml"))
            .Items("providers").Single();
        var datasources = YamlDocuments.LoadMapping(RepositoryFiles.Read("ops", "grafana", "provisioning", "datasources", "datasources.yml"))
            .Items("datasources").ToList();

        Assert.Equal("/var/lib/grafana/dashboards", provider.Scalar("options.path"));
        Assert.Contains(Compose().At("services.grafana")!.Items("volumes"), v => ((YamlScalarNode)v).Value == "./grafana/dashboards:/var/lib/grafana/dashboards:ro");
        Assert.Contains(datasources, d => d.Scalar("type") == "prometheus" && d.Scalar("url") == "http://prometheus:9090");
        Assert.Contains(datasources, d => d.Scalar("type") == "jaeger");
    }

    [Fact]
    public void Dashboard_Panels_CoverFeedsPipelineDeliveriesLatencyAndErrors()
    {
        var dashboard = JsonNode.Parse(RepositoryFiles.Read("ops", "grafana", "dashboards", "outage-alerts.json"))!;
        var rows = MetricUsage.Panels(dashboard)
            .Where(p => p["type"]?.GetValue<string>() == "row")
            .Select(p => p["title"]!.GetValue<string>())
            .ToList();
        var ids = MetricUsage.Panels(dashboard).Select(p => p["id"]!.GetValue<int>()).ToList();

        Assert.Superset(new HashSet<string>(["Feeds", "Pipeline", "Deliveries", "Latency", "Errors"]), rows.ToHashSet());
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal("outage-alerts", dashboard["uid"]!.GetValue<string>());
    }

    private static YamlMappingNode Compose() => YamlDocuments.LoadMapping(RepositoryFiles.Read("ops", "docker-compose.yml"));
}
