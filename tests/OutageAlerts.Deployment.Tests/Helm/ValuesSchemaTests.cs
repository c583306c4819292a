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

    [Fact]
    public void Evaluate_ScaledOutDeployment_IsValid()
    {
        var values = DefaultValues();
        values["rabbitmq"]!["existingSecret"] = "outage-alerts-rabbitmq";
        values["store"]!["existingSecret"] = "outage-alerts-postgres";
        Merge(values, JsonNode.Parse("""
            {"rabbitmq": {"hosts": ["rabbitmq-1.rabbitmq-nodes", "rabbitmq-2.rabbitmq-nodes:5672"], "quorumQueues": true},
             "ingestion": {"replicaCount": 3, "scheduler": {"clustered": true, "checkinInterval": "00:00:02", "checkinMisfireThreshold": "00:00:06"}},
             "delivery": {"channels": {"webhook": {"prefetchCount": 64, "concurrentMessageLimit": 32}, "sms": {"concurrentMessageLimit": 1}}}}
            """)!.AsObject());

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
    [InlineData("RabbitMQ node given as a URI", """{"rabbitmq": {"hosts": ["amqp://guest@rabbit-1"]}}""")]
    [InlineData("quorum queues as text", """{"rabbitmq": {"quorumQueues": "yes"}}""")]
    [InlineData("check-in interval without a unit format", """{"ingestion": {"scheduler": {"checkinInterval": "5s"}}}""")]
    [InlineData("zero prefetch for a channel", """{"delivery": {"channels": {"webhook": {"prefetchCount": 0}}}}""")]
    [InlineData("unknown channel", """{"delivery": {"channels": {"fax": {"prefetchCount": 4}}}}""")]
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
