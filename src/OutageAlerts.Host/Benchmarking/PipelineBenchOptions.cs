namespace OutageAlerts.Host.Benchmarking;

/// <summary>The store the measured service writes to.</summary>
public enum BenchStore
{
    /// <summary>A temporary SQLite file, as the embedded default uses.</summary>
    Sqlite,

    /// <summary>
    /// A temporary database on the PostgreSQL server of <c>ConnectionStrings:OutageAlerts</c>, created for the run and
    /// dropped after it: the scale-out store, with Quartz's clustered job store in it.
    /// </summary>
    Postgres,
}

/// <summary>The load of one <c>bench pipeline</c> run; the defaults finish in about a minute on two cores.</summary>
public sealed record PipelineBenchOptions
{
    public const int DefaultAlerts = 1000;
    public const double DefaultRate = 100;
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(10);
    public const int DefaultFeeds = 1000;
    public const int DefaultAlertFeeds = 10;
    public const int DefaultMaxWarmUpRounds = 30;
    public const int DefaultOpenIncidents = 10_000;

    /// <summary>Alerts released at once for the throughput phase (alerts per second end to end).</summary>
    public int Alerts { get; init; } = DefaultAlerts;

    /// <summary>Alerts per second released steadily during the latency phase.</summary>
    public double Rate { get; init; } = DefaultRate;

    /// <summary>How long the latency phase releases alerts.</summary>
    public TimeSpan Duration { get; init; } = DefaultDuration;

    /// <summary>Feeds in the poll-cycle measurement, also configured in the service for the resident-memory figure.</summary>
    public int Feeds { get; init; } = DefaultFeeds;

    /// <summary>Feeds that carry the generated strike reports, polled every second; alerts are spread over them.</summary>
    public int AlertFeeds { get; init; } = DefaultAlertFeeds;

    /// <summary>
    /// Warm-up rounds of 100 alerts at most; they end earlier, once a round compiles fewer than a handful of methods
    /// (about 15 rounds on two cores): the measured phases then see the steady state of a service that has run a while.
    /// </summary>
    public int MaxWarmUpRounds { get; init; } = DefaultMaxWarmUpRounds;

    /// <summary>
    /// Incidents open in the service's store when its resident memory is read (issue 10: memory "with 1,000 feeds and
    /// 10,000 open incidents"); 0 leaves the store as the phases left it.
    /// </summary>
    public int OpenIncidents { get; init; } = DefaultOpenIncidents;

    /// <summary>
    /// Whether the run ends by restarting the service alone in a process of its own on the run's store and reading its
    /// resident memory (<see cref="ServiceAloneSummary"/>); SQLite store only.
    /// </summary>
    public bool ServiceAlone { get; init; } = true;

    /// <summary>Where the measured service keeps its state.</summary>
    public BenchStore Store { get; init; } = BenchStore.Sqlite;

    /// <summary>The problems with these values, for the command line to print; empty when usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Alerts < 1)
        {
            problems.Add("--alerts must be at least 1.");
        }

        if (Rate is <= 0 or > MaxRate || double.IsNaN(Rate))
        {
            problems.Add($"--rate must be above 0 and at most {MaxRate} alerts per second.");
        }

        if (Duration <= TimeSpan.Zero || Duration > MaxDuration)
        {
            problems.Add($"--duration must be above 0 and at most {MaxDuration.TotalMinutes:0} minutes.");
        }

        if (Feeds is < 1 or > MaxFeeds)
        {
            problems.Add($"--feeds must be between 1 and {MaxFeeds}.");
        }

        if (AlertFeeds is < 1 or > MaxAlertFeeds)
        {
            problems.Add($"--alert-feeds must be between 1 and {MaxAlertFeeds}.");
        }

        if (MaxWarmUpRounds is < 1 or > MaxWarmUpRoundsCeiling)
        {
            problems.Add($"--warm-up-rounds must be between 1 and {MaxWarmUpRoundsCeiling}.");
        }

        if (OpenIncidents is < 0 or > MaxOpenIncidents)
        {
            problems.Add($"--open-incidents must be between 0 and {MaxOpenIncidents}.");
        }

        return problems;
    }

    /// <summary>Alerts the latency phase releases: <see cref="Rate"/> × <see cref="Duration"/>, at least one.</summary>
    public int LatencyAlerts => Math.Max(1, (int)Math.Round(Rate * Duration.TotalSeconds));

    private const double MaxRate = 5000;
    private const int MaxWarmUpRoundsCeiling = 200;
    private const int MaxFeeds = 20000;
    private const int MaxAlertFeeds = 200;
    private const int MaxOpenIncidents = 100_000;
    private static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(30);
}
