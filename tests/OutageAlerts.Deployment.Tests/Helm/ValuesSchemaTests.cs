using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace OutageAlerts.Deployment.Tests.Helm;

public sealed class ValuesSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(ChartFiles.Read("values.schema.json")));

    [Fact]
    public void Evaluate_DefaultValues_IsValid()
    {
        var errors = Errors(DefaultValues());

        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Fact]
    public void Evaluate_ExampleDeployment_IsValid()
    {
        var values = DefaultValues();
        values["rabbitmq"]!["existingSecret"] = "outage-alerts-rabbitmq";
        values["store"]!["existingSecret"] = "outage-alerts-postgres";
        values["feeds"] = JsonNode.Parse("""[{"name":"ukrinform-war","url":"https://www.ukrinform.net/rss/block-lastnews","interval":"00:05:00"}]""");
        values["subscriptions"] = JsonNode.Parse("""
            [{"id":"partner","channel":"webhook","target":"https://partner.example.org/hook","format":"cap","minSeverity":"Severe",
              "countries":["UA"],"regions":["UA-63"],"targets":["power_grid","heating"],"secretRef":{"name":"webhooks","key":"partner"}},
             {"id":"desk","channel":"email","target":"desk@example.org"}]
            """);
        values["settings"] = JsonNode.Parse("""{"Incidents":{"FirstMessageHold":"00:00:30"}}""");

        var errors = Errors(values);

        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Theory]
    [InlineData("unknown top-level key", """{"replicas": 3}""")]
    [InlineData("misspelled role key", """{"delivery": {"replicaCont": 3}}""")]
    [InlineData("root user", """{"podSecurityContext": {"runAsNonRoot": false}}""")]
    [InlineData("privileged port", """{"containerPort": 80}""")]
    [InlineData("store provider", """{"store": {"provider": "MySql"}}""")]
    [InlineData("feed interval", """{"feeds": [{"name": "a", "url": "https://example.org/rss", "interval": "5m"}]}""")]
    [InlineData("webhook without secretRef", """{"subscriptions": [{"id": "a", "channel": "webhook", "target": "https://example.org/h"}]}""")]
    [InlineData("secret in values", """{"subscriptions": [{"id": "a", "channel": "email", "target": "a@example.org", "secret": "whsec_abc"}]}""")]
    [InlineData("settings repeating a managed key", """{"settings": {"Feeds": []}}""")]
    public void Evaluate_BadValues_IsInvalid(string why, string overrides)
    {
        var values = DefaultValues();
        Merge(values, JsonNode.Parse(overrides)!.AsObject());

        Assert.True(Errors(values).Count > 0, $"The schema accepted values with a bad {why}.");
    }

    private static JsonObject DefaultValues() => YamlDocuments.ToJson(ChartFiles.Values())!.AsObject();

    private static List<string> Errors(JsonNode values)
    {
        using var document = JsonDocument.Parse(values.ToJsonString());
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return results.IsValid
            ? []
            : [.. (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))];
    }

    private static void Merge(JsonObject target, JsonObject overrides)
    {
        foreach (var (key, value) in overrides.ToList())
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
