using System.CommandLine;

namespace OutageAlerts.Host.Commands;

/// <summary><c>outage-alerts run [--role all|ingestion|delivery]</c>; other arguments (e.g. --urls) go to the host.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role")
        {
            Description = "Which part of the pipeline this process runs: all, ingestion or delivery.",
            DefaultValueFactory = _ => "all",
        };
        role.AcceptOnlyFromAmong("all", "ingestion", "delivery");

        var command = new Command("run", "Run the service (embedded defaults: in-memory bus, SQLite under ./data/).")
        {
            role,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var roles = parse.GetValue(role) switch
            {
                "ingestion" => ServiceRoles.Ingestion,
                "delivery" => ServiceRoles.Delivery,
                _ => ServiceRoles.All,
            };
            await using var app = ServiceHost.Build([.. parse.UnmatchedTokens], roles);
            await app.RunAsync();
            return 0;
        });
        return command;
    }
}
