using OutageAlerts.Delivery.Sms;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Tests.Webhooks;

/// <summary>The HTTP clients AddDelivery registers for webhooks and the SMS gateway.</summary>
public sealed class DeliveryHttpClientsTests
{
    [Theory]
    [InlineData(WebhookSender.HttpClientName)]
    [InlineData(SmsSender.HttpClientName)]
    public async Task AddDelivery_HttpClient_HasNoLoggingHandlers(string name)
    {
        // Guards the cost per delivery (issue 10): the senders log each outcome themselves.
        await using var services = DeliveryServices.Create(new Dictionary<string, string?>());

        var chain = new List<Type>();
        for (var handler = services.Get<IHttpMessageHandlerFactory>().CreateHandler(name);
             handler is not null;
             handler = (handler as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(handler.GetType());
        }

        Assert.Contains(chain, t => t == typeof(SocketsHttpHandler));
        Assert.DoesNotContain(chain, t => t.Namespace == "Microsoft.Extensions.Http.Logging");
    }
}
