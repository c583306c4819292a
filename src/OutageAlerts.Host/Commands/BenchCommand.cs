using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OutageAlerts.Host.Benchmarking;

namespace OutageAlerts.Host.Commands;

/// <summary>
/// <c>outage-alerts bench pipeline [--json]</c>: the load harness (DESIGN.md contract 6). Needs RabbitMQ
/// (<c>ConnectionStrings:RabbitMq</c>); other arguments go to the service's host as with <c>run</c>. Exit code 0
/// when every alert arrived, 1 when some did not (the figures are still printed), 2 when it could not run.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var alerts = new Option<int>("--alerts")
        {
            Description = "Alerts released at once for the throughput phase; also the raw baselines' message count.",
            DefaultValueFactory = _ => PipelineBenchOptions.DefaultAlerts,
        };
        var rate = new Option<double>("--rate")
        {
            Description = "Alerts per second during the latency phase.",
            DefaultValueFactory = _ => PipelineBenchOptions.DefaultRate,
        };
        var duration = new Option<TimeSpan>("--duration")
        {
            Description = "Length of the latency phase: seconds (10, 10s, 500ms, 2m) or hh:mm:ss.",
            DefaultValueFactory = _ => PipelineBenchOptions.DefaultDuration,
            CustomParser = ParseDuration,
        };
        var feeds = new Option<int>("--feeds")
        {
            Description = "Feeds in the poll-cycle measurement (mostly answering 304), all configured in the service.",
            DefaultValueFactory = _ => PipelineBenchOptions.DefaultFeeds,
        };
        var alertFeeds = new Option<int>("--alert-feeds")
        {
            Description = "Feeds carrying the generated strike reports, each polled every second: this many for the burst (all polled in the same instant) and as many for the steady stream (each at its own phase).",
            DefaultValueFactory = _ => PipelineBenchOptions.DefaultAlertFeeds,
        };
        var warmUpRounds = new Option<int>("--warm-up-rounds")
        {
            Description = "At most this many warm-up rounds of 100 alerts; they stop earlier once a round compiles almost no new code.",
            DefaultValueFactory = _ => PipelineBenchOptions.DefaultMaxWarmUpRounds,
        };

        var openIncidents = new Option<int>("--open-incidents")
        {
            Description = "Incidents open in the service's store (seeded, all within a day) when its resident memory is read; 0 to skip.",
            DefaultValueFactory = _ => PipelineBenchOptions.DefaultOpenIncidents,
        };

        var store = new Option<BenchStore>("--store")
        {
            Description = "The service's store: sqlite (a temporary file) or postgres (a temporary database on the server of ConnectionStrings:OutageAlerts).",
            DefaultValueFactory = _ => BenchStore.Sqlite,
        };

        var serviceAlone = new Option<bool>("--service-alone")
        {
            Description = "End by restarting the service alone (outage-alerts run) on the run's store and feeds and reading its resident memory; sqlite store only. --service-alone false skips it.",
            DefaultValueFactory = _ => true,
        };

        var pipeline = new Command(
            "pipeline",
            "Run the real pipeline over RabbitMQ against local feeds and a local webhook receiver, with raw RabbitMQ.Client and HttpClient baselines measured in the same run.")
        {
            json, alerts, rate, duration, feeds, alertFeeds, warmUpRounds, openIncidents, store, serviceAlone,
        };
        pipeline.TreatUnmatchedTokensAsErrors = false;
        pipeline.SetAction(async (parse, cancellationToken) =>
        {
            var options = new PipelineBenchOptions
            {
                Alerts = parse.GetValue(alerts),
                Rate = parse.GetValue(rate),
                Duration = parse.GetValue(duration),
                Feeds = parse.GetValue(feeds),
                AlertFeeds = parse.GetValue(alertFeeds),
                MaxWarmUpRounds = parse.GetValue(warmUpRounds),
                OpenIncidents = parse.GetValue(openIncidents),
                Store = parse.GetValue(store),
                ServiceAlone = parse.GetValue(serviceAlone),
            };
            if (options.Problems() is { Count: > 0 } problems)
            {
                foreach (var problem in problems)
                {
                    await Console.Error.WriteLineAsync($"bench pipeline: {problem}");
                }

                return 2;
            }

            string[] hostArgs = [.. parse.UnmatchedTokens];
            var configuration = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = AppContext.BaseDirectory }).Configuration;
            PipelineBenchResult result;
            try
            {
                result = await new PipelineBench(options, TimeProvider.System, Console.Error).RunAsync(configuration, hostArgs, cancellationToken);
            }
            catch (Exception ex) when (ex is OptionsValidationException or PipelineBenchException)
            {
                await Console.Error.WriteLineAsync($"bench pipeline: {ex.Message}");
                return 2;
            }

            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(result, CliJson.Options));
            }
            else
            {
                result.WriteTable(Console.Out);
            }

            await Console.Out.FlushAsync(cancellationToken);
            return result.Complete ? 0 : 1;
        });

        return new Command("bench", "Load harnesses.") { pipeline };
    }

    private static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value.Trim();
        var (number, unit) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return TimeSpan.FromSeconds(value * unit);
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
        {
            return span;
        }

        result.AddError($"--duration '{text}' is not a duration: give seconds (10, 10s, 500ms, 2m) or hh:mm:ss.");
        return default;
    }
}
