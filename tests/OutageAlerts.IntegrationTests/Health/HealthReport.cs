using System.Net;
using System.Text.Json;

namespace OutageAlerts.IntegrationTests.Health;

/// <summary>One answer of <c>/health/live</c> or <c>/health/ready</c>: the HTTP status and the JSON body the service writes.</summary>
public sealed record HealthReport(HttpStatusCode Code, string Status, IReadOnlyDictionary<string, HealthCheckEntry> Checks, string Body)
{
    public static async Task<HealthReport> GetAsync(HttpClient client, string path)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray()
            .Select(c => new HealthCheckEntry(
                c.GetProperty("name").GetString()!,
                c.GetProperty("status").GetString()!,
                c.GetProperty("description").GetString()))
            .ToDictionary(c => c.Name, StringComparer.Ordinal);
        return new HealthReport(response.StatusCode, json.RootElement.GetProperty("status").GetString()!, checks, body);
    }

    /// <summary>Asks until <paramref name="until"/> holds or <paramref name="timeout"/> passes; returns the last answer.</summary>
    public static async Task<HealthReport> WaitForAsync(HttpClient client, string path, Func<HealthReport, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var report = await GetAsync(client, path);
            if (until(report) || DateTime.UtcNow > deadline)
            {
                return report;
            }

            await Task.Delay(250);
        }
    }

    public string StatusOf(string check) => Checks.TryGetValue(check, out var entry) ? entry.Status : "(absent)";
}

public sealed record HealthCheckEntry(string Name, string Status, string? Description);
