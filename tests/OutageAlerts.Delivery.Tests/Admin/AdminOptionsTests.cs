using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Admin;

namespace OutageAlerts.Delivery.Tests.Admin;

public sealed class AdminOptionsTests
{
    private const string Key = "a-long-enough-key-0123456789abcdef";

    private static async Task<string?> FailureAsync(Dictionary<string, string?> settings)
    {
        await using var services = DeliveryServices.Create(settings);
        try
        {
            _ = services.Get<IOptions<AdminOptions>>().Value;
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex.Message;
        }
    }

    [Fact]
    public async Task Validate_EveryKnownScope_Accepted()
    {
        var settings = new Dictionary<string, string?> { ["OutageAlerts:Admin:ApiKeys:0:Key"] = Key };
        for (var i = 0; i < AdminOptions.Scopes.Count; i++)
        {
            settings[$"OutageAlerts:Admin:ApiKeys:0:Scopes:{i}"] = AdminOptions.Scopes[i];
        }

        Assert.Null(await FailureAsync(settings));
    }

    [Fact]
    public async Task Validate_UnknownScope_NamesTheKeyAndTheScopes()
    {
        var message = await FailureAsync(new()
        {
            ["OutageAlerts:Admin:ApiKeys:0:Key"] = Key,
            ["OutageAlerts:Admin:ApiKeys:0:Scopes:0"] = "subscriptions:admin",
        });

        Assert.Contains("OutageAlerts:Admin:ApiKeys:N:Scopes", message, StringComparison.Ordinal);
        Assert.Contains(AdminOptions.SilencesWriteScope, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NameIsTheKey_Refused()
    {
        var message = await FailureAsync(new()
        {
            ["OutageAlerts:Admin:ApiKeys:0:Key"] = Key,
            ["OutageAlerts:Admin:ApiKeys:0:Name"] = Key,
        });

        Assert.Contains("OutageAlerts:Admin:ApiKeys:N:Name", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_CacheDurationTooLong_NamesTheKey()
    {
        var message = await FailureAsync(new() { ["OutageAlerts:Admin:CacheDuration"] = "01:00:00" });

        Assert.Contains("OutageAlerts:Admin:CacheDuration", message, StringComparison.Ordinal);
    }
}
