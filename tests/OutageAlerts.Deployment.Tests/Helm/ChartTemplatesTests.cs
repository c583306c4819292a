using YamlDotNet.RepresentationModel;

namespace OutageAlerts.Deployment.Tests.Helm;

public sealed class ChartTemplatesTests
{
    public static TheoryData<string> ManifestNames() => [.. ChartFiles.Manifests().Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(ManifestNames))]
    public void StripActions_EveryManifest_IsKubernetesYaml(string name)
    {
        var yaml = ChartFiles.Manifests().Single(m => m.Name == name).Yaml;

        var documents = YamlDocuments.Load(yaml).Where(d => d.RootNode is YamlMappingNode { Children.Count: > 0 }).ToList();

        Assert.NotEmpty(documents);
        Assert.All(documents, d =>
        {
            Assert.False(string.IsNullOrEmpty(d.RootNode.Scalar("apiVersion")), $"{name}: apiVersion");
            Assert.False(string.IsNullOrEmpty(d.RootNode.Scalar("kind")), $"{name}: kind");
            Assert.NotNull(d.RootNode.At("metadata.name"));
        });
    }

    [Fact]
    public void Manifests_Chart_CoverTheKindsTheRolesNeed()
    {
        var kinds = ChartFiles.Manifests()
            .SelectMany(m => YamlDocuments.Load(m.Yaml))
            .Select(d => d.RootNode.Scalar("kind"))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

        Assert.Superset(
            new HashSet<string>(["Deployment", "ConfigMap", "Service", "ServiceAccount", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                "ServiceMonitor", "NetworkPolicy"]),
            kinds);
    }

    [Theory]
    [InlineData("ingestion")]
    [InlineData("delivery")]
    public void RoleTemplate_Deployment_RendersTheSharedDefineForItsRole(string role)
    {
        var template = ChartFiles.Read($"templates/deployment-{role}.yaml");

        Assert.Contains($"{{{{- if .Values.{role}.enabled }}}}", template, StringComparison.Ordinal);
        Assert.Contains($"include \"outage-alerts.deployment\" (dict \"root\" . \"role\" \"{role}\")", template, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesPaths_EveryTemplate_ExistInValuesYaml()
    {
        var values = ChartFiles.Values();
        var missing = ChartFiles.Templates()
            .SelectMany(path => HelmTemplate.ValuesPaths(RepositoryFiles.Read(path)).Select(p => (path, p)))
            .Where(use => values.At(use.p) is null)
            .Select(use => $"{use.path}: .Values.{use.p}")
            .Distinct()
            .ToList();

        Assert.True(missing.Count == 0, "Not in values.yaml:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void VariablePaths_RoleValuesInDeploymentDefine_ExistForBothRoles()
    {
        var values = ChartFiles.Values();
        var helpers = ChartFiles.Read("templates/_helpers.tpl");
        var paths = HelmTemplate.VariablePaths(helpers, "role").Distinct().ToList();

        Assert.Contains("resources", paths);
        var missing = from role in new[] { "ingestion", "delivery" }
                      from path in paths
                      where values.At($"{role}.{path}") is null
                      select $"{role}.{path}";
        Assert.Empty(missing);
    }

    [Fact]
    public void DeploymentDefine_Probes_UseTheHealthEndpoints()
    {
        var deployment = YamlDocuments.Load(ChartFiles.Manifests().Single(m => m.Name == "define \"outage-alerts.deployment\"").Yaml)
            .Single().RootNode;
        var container = deployment.Items("spec.template.spec.containers").Single();

        Assert.Equal("/health/live", container.Scalar("livenessProbe.httpGet.path"));
        Assert.Equal("/health/live", container.Scalar("startupProbe.httpGet.path"));
        Assert.Equal("/health/ready", container.Scalar("readinessProbe.httpGet.path"));
        Assert.Equal(["run", "--role", "x"], container.Items("args").Select(a => ((YamlScalarNode)a).Value));
    }

    [Fact]
    public void DeploymentDefine_ReadOnlyRoot_HasWritableDataAndTmp()
    {
        var deployment = YamlDocuments.Load(ChartFiles.Manifests().Single(m => m.Name == "define \"outage-alerts.deployment\"").Yaml)
            .Single().RootNode;
        var mounts = deployment.Items("spec.template.spec.containers").Single().Items("volumeMounts")
            .Select(m => m.Scalar("mountPath"))
            .ToList();

        Assert.Contains("/data", mounts);
        Assert.Contains("/tmp", mounts);
        Assert.Equal("true", ChartFiles.Values().Scalar("securityContext.readOnlyRootFilesystem"));
        Assert.Equal("true", ChartFiles.Values().Scalar("podSecurityContext.runAsNonRoot"));
    }

    [Fact]
    public void Chart_Metadata_IsHelm3Application()
    {
        var chart = YamlDocuments.LoadMapping(ChartFiles.Read("Chart.yaml"));

        Assert.Equal("v2", chart.Scalar("apiVersion"));
        Assert.Equal("outage-alerts", chart.Scalar("name"));
        Assert.Matches(@"^\d+\.\d+\.\d+", chart.Scalar("version"));
        Assert.Null(chart.At("dependencies"));
    }

    [Fact]
    public void Readme_EveryValue_IsDocumented()
    {
        var readme = ChartFiles.Read("README.md");
        var undocumented = ChartFiles.LeafPaths(ChartFiles.Values())
            .Where(path => !readme.Contains($"`{path}`", StringComparison.Ordinal))
            .ToList();

        Assert.True(undocumented.Count == 0, "Not in helm/outage-alerts/README.md:\n" + string.Join('\n', undocumented));
    }
}
