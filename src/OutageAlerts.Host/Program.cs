using System.CommandLine;
using OutageAlerts.Host.Commands;

var root = new RootCommand("OutageAlerts: strike and outage alerts from news and humanitarian feeds.")
{
    RunCommand.Create(),
    ClassifyCommand.Create(),
    ReplayCommand.Create(),
    FeedsCommand.Create(),
    ErrorsCommand.Create(),
    AlertsCommand.Create(),
    DeliveriesCommand.Create(),
    BenchCommand.Create(),
};

// The generic host handles SIGTERM/Ctrl+C itself and drains in-flight work; System.CommandLine must not cut it short.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
