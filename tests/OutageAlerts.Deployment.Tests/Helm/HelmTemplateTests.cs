namespace OutageAlerts.Deployment.Tests.Helm;

public sealed class HelmTemplateTests
{
    [Fact]
    public void StripActions_ActionOnlyLinesAndInlineActions_LeavesYamlShape()
    {
        const string Template = """
            {{- if .Values.enabled }}
            metadata:
              name: {{ include "x.fullname" . }}-role
              labels:
                {{- include "x.labels" . | nindent 4 }}
            {{/* a comment
            over two lines */}}
            {{- end }}
            """;

        var yaml = HelmTemplate.StripActions(Template);

        Assert.Equal("metadata:\n  name: x-role\n  labels:\n", yaml.Replace("\r", "", StringComparison.Ordinal).TrimEnd('\n') + "\n");
    }

    [Fact]
    public void Defines_NestedBlocks_ReturnsWholeBody()
    {
        const string Helpers = """
            {{- define "a" -}}
            {{- if .x }}one{{- else }}two{{- end }}
            tail
            {{- end }}
            {{- define "b" }}b{{ end }}
            """;

        var defines = HelmTemplate.Defines(Helpers);

        Assert.Contains("tail", defines["a"], StringComparison.Ordinal);
        Assert.Equal("b", defines["b"]);
    }

    [Fact]
    public void ValuesPaths_RootAndScopedReferences_AreFound()
    {
        var paths = HelmTemplate.ValuesPaths("{{ .Values.image.tag }} {{ $root.Values.delivery.autoscaling.enabled }} {{ .Values }}").ToList();

        Assert.Equal(["image.tag", "delivery.autoscaling.enabled"], paths);
    }
}
