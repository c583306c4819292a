using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OutageAlerts.Host.Telemetry;

/// <summary>
/// The body of <c>/health/live</c> and <c>/health/ready</c>: the overall status and, per check, its name, status,
/// description and duration. Check data and exceptions are left out (MassTransit's data lists hosts and queues;
/// exception messages may quote connection details), and anything shaped like URI credentials is masked.
/// </summary>
internal static partial class HealthReportWriter
{
    private const int MaxDescriptionLength = 500;

    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", Mask(entry.Description));
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    internal static string? Mask(string? description)
    {
        if (description is null)
        {
            return null;
        }

        var masked = UriCredentials().Replace(description, "://***@");
        masked = PasswordSetting().Replace(masked, "$1=***");
        return masked.Length <= MaxDescriptionLength ? masked : masked[..MaxDescriptionLength] + "…";
    }

    [GeneratedRegex(@"://[^/@\s]+@")]
    private static partial Regex UriCredentials();

    [GeneratedRegex(@"\b(password|pwd|secret|token)\s*=\s*[^;\s]+", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordSetting();
}
