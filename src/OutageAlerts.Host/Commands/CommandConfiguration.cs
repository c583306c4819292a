namespace OutageAlerts.Host.Commands;

/// <summary>
/// Configuration for operator commands, from the same sources the service reads: appsettings*.json next to the
/// binary (for the current environment) and environment variables.
/// </summary>
internal static class CommandConfiguration
{
    public static IConfiguration Load()
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? "Production";
        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
    }
}
