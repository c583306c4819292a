using YamlDotNet.RepresentationModel;

namespace OutageAlerts.Deployment.Tests.Helm;

/// <summary>The files of helm/outage-alerts.</summary>
internal static class ChartFiles
{
    public const string Folder = "helm/outage-alerts";

    public static string Read(string relative) => RepositoryFiles.Read(Folder, relative);

    public static YamlMappingNode Values() => YamlDocuments.LoadMapping(Read("values.yaml"));

    /// <summary>Template files (templates/*.yaml, _helpers.tpl, NOTES.txt) by path relative to the repository.</summary>
    public static IReadOnlyList<string> Templates() => RepositoryFiles.Under(Folder + "/templates", ".yaml", ".yml", ".tpl", ".txt");

    /// <summary>The stripped YAML of each manifest: templates/*.yaml, and each define in _helpers.tpl that writes a manifest.</summary>
    public static IEnumerable<(string Name, string Yaml)> Manifests()
    {
        foreach (var path in RepositoryFiles.Under(Folder + "/templates", ".yaml", ".yml"))
        {
            // A template that only includes a define (the role Deployments) is checked through that define.
            var stripped = HelmTemplate.StripActions(RepositoryFiles.Read(path));
            if (!string.IsNullOrWhiteSpace(stripped))
            {
                yield return (path, stripped);
            }
        }

        foreach (var (name, body) in HelmTemplate.Defines(Read("templates/_helpers.tpl")))
        {
            var manifest = HelmTemplate.StripActions(body);
            if (manifest.Contains("apiVersion:", StringComparison.Ordinal))
            {
                yield return ($"define \"{name}\"", manifest);
            }
        }
    }

    /// <summary>Leaf paths of values.yaml: scalars, sequences and empty mappings (free-form maps like resources count as leaves).</summary>
    public static IEnumerable<string> LeafPaths(YamlMappingNode mapping, string prefix = "")
    {
        foreach (var (key, value) in mapping.Children)
        {
            var path = prefix + ((YamlScalarNode)key).Value;
            if (value is YamlMappingNode child && child.Children.Count > 0 && !IsFreeForm(path))
            {
                foreach (var leaf in LeafPaths(child, path + "."))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    /// <summary>Values passed to Kubernetes as written (resources, security contexts), documented as a whole.</summary>
    private static bool IsFreeForm(string path) =>
        path.EndsWith(".resources", StringComparison.Ordinal) || path is "podSecurityContext" or "securityContext";
}
