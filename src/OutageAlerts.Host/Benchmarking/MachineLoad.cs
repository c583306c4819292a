using System.Globalization;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>
/// How many processors were busy during one phase, on average: the whole machine (Linux's <c>/proc/stat</c>), this
/// process (service, feed servers, receiver, harness) and the rest (the broker and whatever else runs on the box).
/// On a machine shared with the broker a rate says little without it.
/// </summary>
/// <param name="Seconds">The phase as the probe timed it.</param>
/// <param name="MachineBusyCores">Busy processor time of the whole machine ÷ <paramref name="Seconds"/>; idle and I/O wait are not busy.</param>
/// <param name="ProcessCores">This process's processor time (<see cref="Environment.CpuUsage"/>) ÷ <paramref name="Seconds"/>.</param>
/// <param name="OtherCores"><paramref name="MachineBusyCores"/> − <paramref name="ProcessCores"/>, at least 0 (the two clocks tick differently).</param>
/// <param name="Processors"><see cref="Environment.ProcessorCount"/>: how many cores there were to be busy.</param>
public sealed record MachineLoad(double Seconds, double MachineBusyCores, double ProcessCores, double OtherCores, int Processors)
{
    /// <summary>Linux reports /proc/stat in USER_HZ ticks, 100 a second on every architecture .NET runs on.</summary>
    public const double UserHz = 100;

    /// <summary>
    /// Phases measured apart as one: their busy cores weighted by their seconds; null when any is unknown. The rest is
    /// the combined machine less the combined process, as in each phase: weighting each phase's rest instead counted a
    /// phase where the process outran the machine's ticks (a rest clamped at 0) as less busy than it was, and the
    /// three figures then disagreed.
    /// </summary>
    public static MachineLoad? Combine(IEnumerable<MachineLoad?> phases)
    {
        var all = phases.ToList();
        if (all.Count == 0 || all.Any(p => p is null))
        {
            return null;
        }

        var seconds = all.Sum(p => p!.Seconds);
        double Weighted(Func<MachineLoad, double> cores) =>
            seconds > 0 ? Math.Round(all.Sum(p => cores(p!) * p!.Seconds) / seconds, 3) : 0;
        var machine = Weighted(p => p.MachineBusyCores);
        var process = Weighted(p => p.ProcessCores);
        return new MachineLoad(Math.Round(seconds, 3), machine, process, Math.Round(Math.Max(0, machine - process), 3), all[0]!.Processors);
    }

    /// <returns>Null when either reading of the machine's counters is missing (not Linux) or no time passed.</returns>
    public static MachineLoad? From(CpuJiffies? before, CpuJiffies? after, TimeSpan processTime, double seconds, int processors)
    {
        if (before is not { } start || after is not { } end || seconds <= 0)
        {
            return null;
        }

        var machine = Math.Max(0, end.Busy - start.Busy) / UserHz / seconds;
        var process = Math.Max(0, processTime.TotalSeconds) / seconds;
        return new MachineLoad(
            Math.Round(seconds, 3), Math.Round(machine, 3), Math.Round(process, 3), Math.Round(Math.Max(0, machine - process), 3), processors);
    }
}

/// <summary>The machine's processor time since boot from the aggregate <c>cpu</c> line of <c>/proc/stat</c>, in USER_HZ ticks.</summary>
/// <param name="Busy">Everything but idle and I/O wait; steal counts as busy, as the hypervisor did not leave it to this machine.</param>
/// <param name="Total">user + nice + system + idle + iowait + irq + softirq + steal.</param>
public readonly record struct CpuJiffies(long Busy, long Total)
{
    // user nice system idle iowait irq softirq steal: guest and guest_nice, after them, are already counted in user
    // and nice, so adding them would count virtual machines' time twice.
    private const int CountedFields = 8;
    private const int IdleField = 3;
    private const int IoWaitField = 4;

    /// <summary>Reads the first line that starts with <c>cpu </c> (the sum over all processors; <c>cpu0</c>… are single ones).</summary>
    /// <returns>Null when there is no such line or it has fewer than the four fields every kernel writes.</returns>
    public static CpuJiffies? Parse(string procStat)
    {
        ArgumentNullException.ThrowIfNull(procStat);
        foreach (var line in procStat.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return ParseLine(line["cpu ".Length..]);
            }
        }

        return null;
    }

    private static CpuJiffies? ParseLine(ReadOnlySpan<char> values)
    {
        Span<long> fields = stackalloc long[CountedFields];
        var count = 0;
        foreach (var range in values.Split(' '))
        {
            var field = values[range];
            if (field.IsEmpty)
            {
                continue;
            }

            if (count == CountedFields)
            {
                break;
            }

            if (!long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out fields[count]))
            {
                return null;
            }

            count++;
        }

        if (count <= IdleField)
        {
            return null;
        }

        long total = 0;
        foreach (var value in fields[..count])
        {
            total += value;
        }

        var idle = fields[IdleField] + (count > IoWaitField ? fields[IoWaitField] : 0);
        return new CpuJiffies(total - idle, total);
    }
}

/// <summary>Reads the machine's and the process's processor time at the start of a phase; <see cref="Stop"/> gives the load.</summary>
internal sealed class MachineLoadProbe
{
    private const string ProcStat = "/proc/stat";

    private readonly TimeProvider _time;
    private readonly CpuJiffies? _machine;
    private readonly TimeSpan _process;
    private readonly long _started;

    private MachineLoadProbe(TimeProvider time)
    {
        _time = time;
        _machine = ReadMachine();
        _process = Environment.CpuUsage.TotalTime;
        _started = time.GetTimestamp();
    }

    public static MachineLoadProbe Start(TimeProvider time) => new(time);

    /// <returns>Null when /proc/stat could not be read (not Linux).</returns>
    public MachineLoad? Stop()
    {
        var seconds = _time.GetElapsedTime(_started).TotalSeconds;
        var process = Environment.CpuUsage.TotalTime - _process;
        return MachineLoad.From(_machine, ReadMachine(), process, seconds, Environment.ProcessorCount);
    }

    private static CpuJiffies? ReadMachine()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return CpuJiffies.Parse(File.ReadAllText(ProcStat));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
