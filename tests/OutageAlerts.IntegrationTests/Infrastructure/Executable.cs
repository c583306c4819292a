using System.Diagnostics;

namespace OutageAlerts.IntegrationTests.Infrastructure;

/// <summary>The real `outage-alerts` executable, run as an operator runs it.</summary>
public static class Executable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <param name="settings">Configuration keys, passed as environment variables (`:` becomes `__`).</param>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "outage-alerts.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // Tests decide the environment; the one the runner inherited must not add its settings.
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        return start;
    }

    /// <summary>Runs a command to completion and returns its exit code and output.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(
        IEnumerable<string> arguments, string? stdin = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        using var process = Process.Start(StartInfo(arguments, settings))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(Limit);
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
