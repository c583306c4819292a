using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OutageAlerts.Host.Memory;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>The service restarted in a process of its own on the store the measured service left, and its resident memory.</summary>
/// <param name="Feeds">Feeds configured: the measured service's, alert feeds and poll-cycle feeds alike.</param>
/// <param name="FeedsPolled">Poll-cycle feeds it had fetched when memory was read (all of them, unless it fell behind).</param>
/// <param name="OpenIncidentsSeeded">Incidents the harness seeded into the store before (the phases' own incidents are there too).</param>
/// <param name="ProbeDelivered">Whether the strike report released after its start reached the webhook receiver: that report
/// had every open incident as a candidate, so their facts were read, as after any restart.</param>
/// <param name="ReadySeconds">From starting the process to the moment every feed was polled and the report delivered.</param>
/// <param name="ReadyRssMb">Resident memory of the service's process at that moment.</param>
/// <param name="SettleSeconds">How long it then ran on, polling its feeds, before <paramref name="RssMb"/> was read.</param>
/// <param name="RssMb">Resident memory of the service's process at the end: the figure to compare with the goal.</param>
/// <param name="PeakRssMb">The most that process had resident at any moment until then.</param>
/// <param name="QuietTrims">How many times it had given back memory once quiet (<c>IdleMemoryTrimmer</c>'s log lines) when
/// <paramref name="RssMb"/> was read; the figure at ready comes before any.</param>
/// <param name="QuietTrimMaxPauseMs">The longest pause of those trims, as the process logged it; null without a trim.</param>
public sealed record ServiceAloneSummary(
    int Feeds,
    int FeedsPolled,
    int OpenIncidentsSeeded,
    bool ProbeDelivered,
    double ReadySeconds,
    double ReadyRssMb,
    double SettleSeconds,
    double RssMb,
    double PeakRssMb,
    int QuietTrims,
    double? QuietTrimMaxPauseMs);

/// <summary>
/// <c>rssMb</c> is the harness's whole process: besides the service, the feed servers, the webhook receiver, the raw
/// baselines' clients and what they keep. This runs <c>outage-alerts run</c> alone, with the measured service's
/// configuration on its store (1,000 feeds' validators, the seeded open incidents, the phases' incidents), lets it poll
/// every feed once and correlate one new report against every open incident, and reads its resident memory: what a
/// deployment with that many feeds and incidents needs (issue 10).
/// </summary>
internal static partial class ServiceAloneProbe
{
    /// <summary>Long enough for a cold start, the first poll of every feed and one correlation against 100,000 incidents.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How long the process runs on once ready before its memory is read. Right after the first correlation its
    /// young generation has not filled yet: in 12 s more, polling its feeds, it grew by 11–20 MB (session 19).
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    /// <summary>
    /// An environment with no settings file of its own, so the process reads <c>appsettings.json</c> (no feeds, no
    /// subscriptions, DESIGN.md) and what the harness sets, nothing an operator's environment file would add.
    /// </summary>
    public const string EnvironmentName = "BenchServiceAlone";

    private const double MiB = 1024 * 1024;
    private const int StderrTailLines = 20;
    private static readonly TimeSpan PollFeedsCheck = TimeSpan.FromMilliseconds(100);

    public static async Task<(ServiceAloneSummary? Summary, string? Problem)> RunAsync(
        IReadOnlyDictionary<string, string?> settings,
        IReadOnlyCollection<string> ownedKeys,
        AlertFeedServer alertFeeds,
        PollFeedServer pollFeeds,
        WebhookReceiver receiver,
        BenchItem probe,
        int openIncidentsSeeded,
        TimeProvider time,
        Action<string> report,
        CancellationToken cancellationToken)
    {
        var start = StartInfo(typeof(ServiceAloneProbe).Assembly.Location);
        var environment = start.Environment;
        foreach (var name in environment.Keys.ToList())
        {
            var key = name.Replace("__", ":", StringComparison.Ordinal);
            if (IsOwned(key, ownedKeys) || key.Equals("ASPNETCORE_URLS", StringComparison.OrdinalIgnoreCase))
            {
                environment.Remove(name);
            }
        }

        foreach (var (key, value) in settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // The harness logs warnings and worse; the trims' lines are information, and counted below.
        environment[$"Logging__LogLevel__{typeof(IdleMemoryTrimmer).FullName}"] = nameof(LogLevel.Information);
        environment["DOTNET_ENVIRONMENT"] = EnvironmentName;
        environment["ASPNETCORE_ENVIRONMENT"] = EnvironmentName;

        var tail = new Queue<string>();
        var pollRequestsBefore = pollFeeds.Requests;
        var started = time.GetTimestamp();
        using var process = Process.Start(start) ?? throw new PipelineBenchException($"could not start {start.FileName}");
        var quietTrims = 0;
        double? trimMaxPauseMs = null;
        void CountTrim(string? line)
        {
            if (line?.Contains(IdleMemoryTrimmer.TrimmedLogStart, StringComparison.Ordinal) != true)
            {
                return;
            }

            Interlocked.Increment(ref quietTrims);
            var pause = TrimPause().Match(line);
            if (pause.Success && double.TryParse(pause.Groups["ms"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
            {
                lock (tail)
                {
                    trimMaxPauseMs = Math.Max(trimMaxPauseMs ?? 0, ms);
                }
            }
        }

        process.OutputDataReceived += (_, e) => CountTrim(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            CountTrim(e.Data);

            lock (tail)
            {
                tail.Enqueue(e.Data);
                if (tail.Count > StderrTailLines)
                {
                    tail.Dequeue();
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            alertFeeds.Release([probe], AlertFeedGroup.Burst);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReadyTimeout);
            var delivered = false;
            var waitForProbe = receiver.WaitForAsync([probe.Id], ReadyTimeout, timeout.Token);
            try
            {
                while (pollFeeds.Requests - pollRequestsBefore < pollFeeds.Count && !process.HasExited)
                {
                    await Task.Delay(PollFeedsCheck, time, timeout.Token);
                }

                if (process.HasExited)
                {
                    await timeout.CancelAsync();
                }

                delivered = await waitForProbe == 1;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Not ready in time, or gone: the figures or the problem say how far it got.
            }

            if (process.HasExited)
            {
                return (null, $"service alone: the process exited with code {process.ExitCode} before it was ready; its last lines: {Tail(tail)}");
            }

            process.Refresh();
            var readySeconds = time.GetElapsedTime(started).TotalSeconds;
            var readyRss = process.WorkingSet64 / MiB;
            var feedsPolled = (int)Math.Min(pollFeeds.Count, pollFeeds.Requests - pollRequestsBefore);
            report(string.Create(CultureInfo.InvariantCulture, $"service alone: ready after {readySeconds:0.0} s, {readyRss:0.0} MB resident; reading it again in {Settle.TotalSeconds:0} s"));
            await Task.Delay(Settle, time, cancellationToken);
            if (process.HasExited)
            {
                return (null, $"service alone: the process exited with code {process.ExitCode} while it ran on; its last lines: {Tail(tail)}");
            }

            process.Refresh();
            double? longestTrim;
            lock (tail)
            {
                longestTrim = trimMaxPauseMs;
            }

            var summary = new ServiceAloneSummary(
                Feeds: alertFeeds.Count + pollFeeds.Count,
                FeedsPolled: feedsPolled,
                OpenIncidentsSeeded: openIncidentsSeeded,
                ProbeDelivered: delivered,
                ReadySeconds: Math.Round(readySeconds, 2),
                ReadyRssMb: Math.Round(readyRss, 1),
                SettleSeconds: Settle.TotalSeconds,
                RssMb: Math.Round(process.WorkingSet64 / MiB, 1),
                PeakRssMb: Math.Round(process.PeakWorkingSet64 / MiB, 1),
                QuietTrims: Volatile.Read(ref quietTrims),
                QuietTrimMaxPauseMs: longestTrim);
            report(string.Create(CultureInfo.InvariantCulture, $"service alone: {summary.RssMb:0.0} MB resident (peak {summary.PeakRssMb:0.0} MB, {summary.QuietTrims} quiet-time trims, longest pause {summary.QuietTrimMaxPauseMs?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-"} ms)"));
            var problem = !delivered
                ? $"service alone: the new report never reached the webhook within {ReadyTimeout.TotalSeconds:0} s; its last lines: {Tail(tail)}"
                : summary.FeedsPolled < pollFeeds.Count
                    ? $"service alone: only {summary.FeedsPolled} of {pollFeeds.Count} feeds were polled before memory was read"
                    : null;
            return (summary, problem);
        }
        finally
        {
            if (!process.HasExited)
            {
                // Its store is the run's temporary one, deleted next; nothing it would finish on a graceful stop is kept.
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The same program as this one: through the muxer when this process runs under it (<c>dotnet outage-alerts.dll</c>,
    /// and test hosts), otherwise the application host it was started as.
    /// </summary>
    internal static ProcessStartInfo StartInfo(string assemblyPath)
    {
        var processPath = Environment.ProcessPath ?? "dotnet";
        var underMuxer = Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(underMuxer ? processPath : Path.ChangeExtension(assemblyPath, OperatingSystem.IsWindows() ? ".exe" : null))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (underMuxer)
        {
            start.ArgumentList.Add(assemblyPath);
        }

        start.ArgumentList.Add("run");
        return start;
    }

    private static bool IsOwned(string key, IReadOnlyCollection<string> ownedKeys) =>
        ownedKeys.Any(k => key.Equals(k, StringComparison.OrdinalIgnoreCase) || key.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase));

    private static string Tail(Queue<string> tail)
    {
        lock (tail)
        {
            return tail.Count == 0 ? "(none)" : string.Join(" | ", tail);
        }
    }

    [GeneratedRegex(@"paused (?<ms>[0-9.]+) ms")]
    private static partial Regex TrimPause();
}
