using System.Net;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Tests.Webhooks;

public class WebhookTargetGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.127.255.254", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd12:3456::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.128.0.1", false)]
    [InlineData("93.184.215.14", false)]
    [InlineData("2a00:1450:4001:80b::200e", false)]
    [InlineData("::ffff:93.184.215.14", false)]
    public void IsRestricted_Address_ClassifiedAsExpected(string address, bool restricted)
    {
        Assert.Equal(restricted, WebhookTargetGuard.IsRestricted(IPAddress.Parse(address)));
    }
}
