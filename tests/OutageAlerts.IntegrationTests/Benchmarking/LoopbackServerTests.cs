using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Host.Benchmarking;

namespace OutageAlerts.IntegrationTests.Benchmarking;

public sealed class LoopbackServerTests
{
    [Fact]
    public async Task StartAsync_FromAnyWorkingDirectory_ServesWithoutWatchingConfigurationFiles()
    {
        // Regression (issue 10): the harness's servers read appsettings.json from the working directory and watched it
        // and every folder under it; run from the temporary folder, each page the store wrote woke three watchers.
        await using var server = await LoopbackServer.StartAsync(["127.0.0.1"], context => context.Response.WriteAsync("served"));
        using var client = new HttpClient();

        Assert.Equal("served", await client.GetStringAsync(server.Addresses[0]));
        var configuration = (IConfigurationRoot)server.Services.GetRequiredService<IConfiguration>();
        Assert.DoesNotContain(configuration.Providers, p => p is FileConfigurationProvider);
    }
}
