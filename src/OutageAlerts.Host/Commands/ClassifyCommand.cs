using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using OutageAlerts.Classification;
using OutageAlerts.Contracts;

namespace OutageAlerts.Host.Commands;

/// <summary>
/// <c>outage-alerts classify [--input FILE]</c>: DESIGN.md contract 1. JSON Lines in, one JSON line out per
/// valid input line, same order. A malformed line is reported on stderr with its line number and skipped;
/// the exit code is then 1, after every other line went through.
/// </summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo?>("--input") { Description = "JSON Lines file to read instead of standard input." };
        var command = new Command("classify", "Classify JSON Lines items ({id,title,summary,published?,lang?,source?}) and print one JSON result per line.")
        {
            input,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(input);
            if (file is not null && !file.Exists)
            {
                await Console.Error.WriteLineAsync($"classify: input file '{file.FullName}' does not exist.");
                return 2;
            }

            using var reader = JsonLinesInput.Open(file);
            await using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
            var failures = await RunAsync(reader, output, Console.Error, StrikeClassifier.CreateDefault(), cancellationToken);
            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    /// <returns>The number of malformed lines.</returns>
    internal static async Task<int> RunAsync(TextReader input, TextWriter output, TextWriter errors, IStrikeClassifier classifier, CancellationToken cancellationToken)
    {
        var lines = new JsonLinesInput("classify", errors);
        await foreach (var item in lines.ReadAsync(input, cancellationToken))
        {
            var assessment = classifier.Classify(item);
            await output.WriteLineAsync(JsonSerializer.Serialize(OutputLine.From(item.Id, assessment), CliJson.Options));
        }

        await output.FlushAsync(cancellationToken);
        return lines.Failures;
    }

    private sealed record OutputLine(
        string Id,
        bool Alert,
        Severity Severity,
        Urgency Urgency,
        Certainty Certainty,
        IReadOnlyList<string> Targets,
        string? Country,
        string? Region,
        IReadOnlyList<string> Regions,
        int? Killed,
        int? Injured,
        long? OutageCustomers,
        string Lang,
        IReadOnlyList<string> Reasons)
    {
        public static OutputLine From(string id, Assessment a) => new(
            id, a.Alert, a.Severity, a.Urgency, a.Certainty, a.Targets, a.Country, a.Region, a.Regions,
            a.Killed, a.Injured, a.OutageCustomers, a.Language, a.Reasons);
    }
}

internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
