using System.CommandLine;
using System.Text.Json;
using OutageAlerts.Classification;
using OutageAlerts.Delivery.Webhooks;
using OutageAlerts.Incidents;
using OutageAlerts.Incidents.Replay;

namespace OutageAlerts.Host.Commands;

/// <summary>
/// <c>outage-alerts replay [--input FILE]</c>: DESIGN.md contract 2. Items in any order are classified and
/// correlated in <c>published</c> order with the real rules, on the items' own timeline; each alert message that
/// would be published is printed as one JSON line (the webhook <c>data</c> object).
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo?>("--input") { Description = "JSON Lines file to read instead of standard input." };
        var command = new Command("replay", "Replay JSON Lines items through classification and incident correlation; print each alert message as JSON.")
        {
            input,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(input);
            if (file is not null && !file.Exists)
            {
                await Console.Error.WriteLineAsync($"replay: input file '{file.FullName}' does not exist.");
                return 2;
            }

            var options = CommandConfiguration.Load().GetSection(IncidentOptions.SectionName).Get<IncidentOptions>() ?? new IncidentOptions();
            using var reader = JsonLinesInput.Open(file);
            await using var output = new StreamWriter(Console.OpenStandardOutput());
            var failures = await RunAsync(reader, output, Console.Error, StrikeClassifier.CreateDefault(), options, cancellationToken);
            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    /// <returns>The number of malformed lines.</returns>
    internal static async Task<int> RunAsync(
        TextReader input, TextWriter output, TextWriter errors, IStrikeClassifier classifier, IncidentOptions options, CancellationToken cancellationToken)
    {
        var lines = new JsonLinesInput("replay", errors);
        var reports = new List<ClassifiedReport>();
        await foreach (var report in lines.ReadAsync(input, cancellationToken))
        {
            reports.Add(IncidentReplay.ToClassified(report, classifier.Classify(report)));
        }

        foreach (var alert in await IncidentReplay.RunAsync(reports, options, cancellationToken))
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(alert, WebhookPayload.SerializerOptions));
        }

        await output.FlushAsync(cancellationToken);
        return lines.Failures;
    }
}
