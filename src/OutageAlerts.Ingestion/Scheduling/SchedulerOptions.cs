using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OutageAlerts.Storage;

namespace OutageAlerts.Ingestion.Scheduling;

/// <summary>
/// Bound from <c>OutageAlerts:Ingestion:Scheduler</c>: where Quartz keeps the feed schedule. Clustered, every
/// ingestion replica shares one schedule in PostgreSQL, each poll is fired by exactly one of them, and the feeds of a
/// replica that stops checking in are taken over by the others.
/// </summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "OutageAlerts:Ingestion:Scheduler";

    /// <summary>How often a replica records that it is alive.</summary>
    public static readonly TimeSpan DefaultCheckinInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How late a check-in may be before the others declare the replica dead and recover what it was running. Short
    /// enough that a dead replica's feeds move within seconds; long enough that a replica starved of CPU for a
    /// moment is not declared dead while it still polls.
    /// </summary>
    public static readonly TimeSpan DefaultCheckinMisfireThreshold = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MinimumCheckinInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaximumCheckinInterval = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Unset (the default): clustered exactly when the store is PostgreSQL (<c>OutageAlerts:Store:Provider=Postgres</c>),
    /// in memory otherwise. <c>false</c> keeps an in-memory scheduler on PostgreSQL (one ingestion process only);
    /// <c>true</c> on SQLite is refused.
    /// </summary>
    public bool? Clustered { get; set; }

    public TimeSpan CheckinInterval { get; set; } = DefaultCheckinInterval;

    public TimeSpan CheckinMisfireThreshold { get; set; } = DefaultCheckinMisfireThreshold;

    /// <summary>
    /// How late a poll may start and still count as on time. A later one is a misfire: it runs at once and its
    /// schedule continues from then, as the feed triggers' misfire instruction says, instead of firing the slots it
    /// missed back to back; across replicas that catch-up would put two polls of one feed within one interval.
    /// </summary>
    // Longer ones let a replica that was starved of CPU fire the polls it missed back to back (measured: 14 polls of a
    // 2 s feed in 11 intervals with 5 s).
    public static readonly TimeSpan DefaultMisfireThreshold = TimeSpan.FromMilliseconds(500);

    public TimeSpan MisfireThreshold { get; set; } = DefaultMisfireThreshold;

    /// <summary>
    /// Polls due within this window of each other are acquired from the shared store in one locked round (fewer
    /// rounds on Quartz's row lock with many feeds), and fire together, so up to this much early. Zero by default:
    /// an early poll after a late one is two polls of a feed within less than an interval.
    /// </summary>
    public static readonly TimeSpan DefaultBatchWindow = TimeSpan.Zero;

    public TimeSpan BatchWindow { get; set; } = DefaultBatchWindow;

    /// <summary>Polls run at once per replica (Quartz's thread pool); the rest wait for a free slot.</summary>
    public int MaxConcurrency { get; set; } = DefaultMaxConcurrency;

    public const int DefaultMaxConcurrency = 10;

    /// <summary>Whether the clustered store applies, from the raw configuration (Quartz is set up before options exist).</summary>
    public static bool IsClustered(IConfiguration configuration, SchedulerOptions options) =>
        options.Clustered ?? StoreProviderOf(configuration) == StoreProvider.Postgres;

    public static SchedulerOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<SchedulerOptions>() ?? new SchedulerOptions();

    internal static StoreProvider StoreProviderOf(IConfiguration configuration) =>
        Enum.TryParse<StoreProvider>(configuration[$"{StoreOptions.SectionName}:Provider"], ignoreCase: true, out var provider)
            ? provider
            : StoreProvider.Sqlite;

    internal static string? ConnectionStringOf(IConfiguration configuration) =>
        configuration[$"{StoreOptions.SectionName}:ConnectionString"] ?? configuration.GetConnectionString(StoreOptions.ConnectionStringName);
}

/// <summary>Names the key at fault; a clustered scheduler needs PostgreSQL.</summary>
internal sealed class SchedulerOptionsValidator(IConfiguration configuration) : IValidateOptions<SchedulerOptions>
{
    private const int MaxConcurrencyCeiling = 200;

    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        var errors = new List<string>();
        var prefix = SchedulerOptions.SectionName + ":";
        if (options.Clustered == true && SchedulerOptions.StoreProviderOf(configuration) != StoreProvider.Postgres)
        {
            errors.Add($"{prefix}{nameof(SchedulerOptions.Clustered)} is true, but the clustered scheduler keeps its schedule in PostgreSQL: " +
                $"set {StoreOptions.SectionName}:Provider to Postgres, or leave {prefix}{nameof(SchedulerOptions.Clustered)} unset.");
        }

        if (options.CheckinInterval < SchedulerOptions.MinimumCheckinInterval || options.CheckinInterval > SchedulerOptions.MaximumCheckinInterval)
        {
            errors.Add($"{prefix}{nameof(SchedulerOptions.CheckinInterval)} must be between {SchedulerOptions.MinimumCheckinInterval} and " +
                $"{SchedulerOptions.MaximumCheckinInterval} (was {options.CheckinInterval}).");
        }

        if (options.CheckinMisfireThreshold < SchedulerOptions.MinimumCheckinInterval || options.CheckinMisfireThreshold > SchedulerOptions.MaximumCheckinInterval)
        {
            errors.Add($"{prefix}{nameof(SchedulerOptions.CheckinMisfireThreshold)} must be between {SchedulerOptions.MinimumCheckinInterval} and " +
                $"{SchedulerOptions.MaximumCheckinInterval} (was {options.CheckinMisfireThreshold}).");
        }

        if (options.MisfireThreshold < TimeSpan.FromMilliseconds(100) || options.MisfireThreshold > TimeSpan.FromHours(1))
        {
            errors.Add($"{prefix}{nameof(SchedulerOptions.MisfireThreshold)} must be between 00:00:00.100 and 01:00:00 (was {options.MisfireThreshold}).");
        }

        if (options.BatchWindow < TimeSpan.Zero || options.BatchWindow > TimeSpan.FromSeconds(10))
        {
            errors.Add($"{prefix}{nameof(SchedulerOptions.BatchWindow)} must be between 00:00:00 and 00:00:10 (was {options.BatchWindow}).");
        }

        if (options.MaxConcurrency is < 1 or > MaxConcurrencyCeiling)
        {
            errors.Add($"{prefix}{nameof(SchedulerOptions.MaxConcurrency)} must be between 1 and {MaxConcurrencyCeiling} (was {options.MaxConcurrency}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
