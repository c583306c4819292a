using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using OutageAlerts.Classification;

namespace OutageAlerts.Host.Commands;

/// <summary>
/// Reads contract-1 items from JSON Lines. A malformed line is reported on stderr with its line number and
/// skipped, so one bad line never stops the rest.
/// </summary>
internal sealed class JsonLinesInput(string command, TextWriter errors)
{
    public int Failures { get; private set; }

    public async IAsyncEnumerable<Report> ReadAsync(TextReader input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lineNumber = 0;
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (InputLine.TryParse(line, out var report, out var error))
            {
                yield return report;
            }
            else
            {
                Failures++;
                await errors.WriteLineAsync($"{command}: line {lineNumber}: {error}");
            }
        }
    }

    /// <summary>Opens --input FILE, or standard input when no file is given.</summary>
    public static TextReader Open(FileInfo? file) =>
        file is null ? new StreamReader(Console.OpenStandardInput()) : file.OpenText();
}

/// <summary>One contract-1 input line: {"id","title","summary","published"?,"lang"?,"source"?}.</summary>
internal static class InputLine
{
    public static bool TryParse(string line, out Report report, out string error)
    {
        report = null!;
        try
        {
            var dto = JsonSerializer.Deserialize<Dto>(line, CliJson.Options);
            if (dto is null)
            {
                error = "expected a JSON object";
                return false;
            }

            if (string.IsNullOrWhiteSpace(dto.Id))
            {
                error = "\"id\" is required";
                return false;
            }

            if (dto.Title is null && dto.Summary is null)
            {
                error = "\"title\" or \"summary\" is required";
                return false;
            }

            report = new Report(dto.Id, dto.Title ?? "", dto.Summary, dto.Published, string.IsNullOrWhiteSpace(dto.Lang) ? null : dto.Lang, dto.Source);
            error = "";
            return true;
        }
        catch (JsonException ex)
        {
            error = "not valid JSON: " + ex.Message;
            return false;
        }
    }

    private sealed record Dto(
        [property: JsonConverter(typeof(LenientStringConverter))] string? Id,
        string? Title,
        string? Summary,
        DateTimeOffset? Published,
        string? Lang,
        string? Source);

    /// <summary>Ids arrive as strings or numbers; both are kept as their text.</summary>
    private sealed class LenientStringConverter : JsonConverter<string?>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
                JsonTokenType.Null => null,
                _ => throw new JsonException("\"id\" must be a string or a number"),
            };

        public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
