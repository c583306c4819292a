using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;
using OutageAlerts.Testing;

namespace OutageAlerts.IntegrationTests.Faults;

/// <summary>
/// Secrets never leak: the running executable, logging at Debug level as JSON, with a webhook secret, an SMTP
/// password, an SMS auth token and an admin API key configured, delivering alerts and failing some deliveries.
/// None of the secrets may appear in its logs, its metrics, its health report or any admin API answer; recipient
/// addresses and numbers may not appear unmasked in logs or metrics.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class SecretLeakTests
{
    private const string SmtpPassword = "smtp-password-Zq81-never-logged";
    private const string ApiKey = "admin-key-4f9e0c2b7a16d385-never-logged";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_WithEverySecretConfigured_NoSecretInLogsMetricsHealthOrAdminApi()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var settings = env.Settings();
        settings["OutageAlerts:Smtp:UserName"] = "alerts-relay";
        settings["OutageAlerts:Smtp:Password"] = SmtpPassword;
        settings["OutageAlerts:Admin:ApiKeys:0:Key"] = ApiKey;
        settings["OutageAlerts:Admin:ApiKeys:0:Name"] = "leak-check";
        foreach (var scope in new[] { "deliveries:read", "subscriptions:read", "silences:read" }.Select((s, i) => (s, i)))
        {
            settings[$"OutageAlerts:Admin:ApiKeys:0:Scopes:{scope.i}"] = scope.s;
        }

        settings["OutageAlerts:Logging:Format"] = "json";
        settings["Logging:LogLevel:Default"] = "Debug";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug";
        // The connection string carries the broker password too: guest's here, but it must not be printed either.
        var workingDirectory = Directory.CreateTempSubdirectory("outage-alerts-secrets-");
        var http = new Uri($"http://127.0.0.1:{LocalSmtpServer.FreeTcpPort()}/");
        var start = Executable.StartInfo(["run"], settings);
        start.WorkingDirectory = workingDirectory.FullName;
        start.Environment["ASPNETCORE_URLS"] = http.AbsoluteUri;
        start.RedirectStandardInput = false;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var answers = new List<string>();
        try
        {
            await env.Webhooks.WaitForAsync(TestFeeds.All.Count(i => i.Expect.HasFlag(Expect.Webhook)), Timeout);
            await env.Sms.WaitForAsync(TestFeeds.All.Count(i => i.Expect.HasFlag(Expect.Sms)), Timeout);
            // The SMTP server offers no AUTH, so email with credentials fails and retries: error paths get logged too.
            await Task.Delay(TimeSpan.FromSeconds(3));
            using var client = new HttpClient { BaseAddress = http };
            answers.Add(await client.GetStringAsync("metrics"));
            answers.Add(await (await client.GetAsync("health/ready")).Content.ReadAsStringAsync());
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            foreach (var path in new[] { "api/admin/subscriptions", "api/admin/subscriptions/hooks", "api/admin/deliveries", "api/admin/retries", "api/admin/silences", "api/admin/endpoints/disabled" })
            {
                var response = await client.GetAsync(path);
                Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
                answers.Add(await response.Content.ReadAsStringAsync());
            }

            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey + "x");
            answers.Add(await (await client.GetAsync("api/admin/deliveries")).Content.ReadAsStringAsync());
        }
        finally
        {
            using var term = Process.Start("kill", ["-s", "TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            workingDirectory.Delete(recursive: true);
        }

        var logs = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode} after SIGTERM:\n{logs[^Math.Min(6000, logs.Length)..]}");
        Assert.Contains("\"TraceId\"", logs, StringComparison.Ordinal);
        var secretPart = PipelineEnvironment.WebhookSecret["whsec_".Length..];
        var secrets = new[] { PipelineEnvironment.WebhookSecret, secretPart, SmtpPassword, PipelineEnvironment.SmsAuthToken, ApiKey };
        foreach (var secret in secrets)
        {
            Assert.False(logs.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..6]}…) is in the logs");
            Assert.All(answers, a => Assert.False(a.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..6]}…) is in an HTTP answer"));
        }

        var telemetry = logs + answers[0];
        Assert.False(telemetry.Contains(PipelineEnvironment.SmsRecipient, StringComparison.Ordinal), "an unmasked phone number is in the logs or metrics");
        Assert.False(telemetry.Contains(PipelineEnvironment.EmailRecipient, StringComparison.Ordinal), "an unmasked email address is in the logs or metrics");
    }
}
