using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OutageAlerts.Delivery.Admin;

namespace OutageAlerts.Delivery.Tests.Admin;

/// <summary>The delivery services and the admin API on a real Kestrel listener at 127.0.0.1, on a temporary SQLite store.</summary>
internal sealed class AdminApiHost : IAsyncDisposable
{
    private readonly string _directory;

    private AdminApiHost(WebApplication app, HttpClient client, FakeTimeProvider time, string directory)
    {
        App = app;
        Client = client;
        Time = time;
        _directory = directory;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public FakeTimeProvider Time { get; }

    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<AdminApiHost> StartAsync(IDictionary<string, string?> settings)
    {
        var directory = Directory.CreateTempSubdirectory("outage-alerts-admin-api-").FullName;
        var time = new FakeTimeProvider(DeliveryServices.Now);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["ConnectionStrings:OutageAlerts"] = $"Data Source={Path.Combine(directory, "store.db")}",
        });
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddDelivery(builder.Configuration);
        builder.Services.RemoveAll<Microsoft.Extensions.Hosting.IHostedService>();
        var app = builder.Build();
        app.MapDeliveryAdminApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AdminApiHost(app, new HttpClient { BaseAddress = new Uri(address) }, time, directory);
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key, string? json = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
