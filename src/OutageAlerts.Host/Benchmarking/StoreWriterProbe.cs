using System.Diagnostics.Metrics;
using System.Globalization;
using OutageAlerts.Storage;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>
/// How busy the SQLite writer was in a phase: its commits, the writes they carried, and the time from BEGIN to COMMIT
/// summed. The writer is one thread that every stage's writes go through, so its share of the phase says whether it
/// is the stage that sets the pace.
/// </summary>
/// <param name="Commits">Batches the writer committed.</param>
/// <param name="Writes">Writes in those batches.</param>
/// <param name="BusyMs">Time the writer spent in them, writes and commit, milliseconds.</param>
/// <param name="BusyShare">
/// <see cref="BusyMs"/> ÷ the phase's <c>seconds</c> (from the first feed response carrying an alert to the last
/// webhook): near 1, the writer sets the pace. Null when the store is not SQLite (PostgreSQL has no single writer).
/// </param>
/// <param name="WalKb">
/// KiB the writer's thread handed to the kernel to write in the phase (its <c>wchar</c> in Linux's
/// <c>/proc/self/task/&lt;tid&gt;/io</c>): the WAL frames of its commits, every page a commit changed. Null off Linux.
/// </param>
/// <param name="CheckpointKb">The same for the checkpoint thread: the pages it copied from the WAL into the database.</param>
/// <param name="WalKbPerAlert"><see cref="WalKb"/> ÷ the alerts delivered in the phase.</param>
public sealed record StoreWriterLoad(
    int Commits, int Writes, double BusyMs, double? BusyShare, double? WalKb = null, double? CheckpointKb = null, double? WalKbPerAlert = null);

/// <summary>Listens to the store's meter (<see cref="StoreTelemetry"/>) from <see cref="Start"/> to <see cref="Stop"/>.</summary>
internal sealed class StoreWriterProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _commits;
    private long _writes;
    private double _busyMs;
    private readonly Lock _gate = new();
    private volatile bool _recording;
    private (long Writer, long Checkpointer)? _writtenAtStart;

    public StoreWriterProbe()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StoreTelemetry.Name
                && (instrument == StoreTelemetry.WriteBatch || instrument == StoreTelemetry.CommitDuration))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, writes, _, _) =>
        {
            if (_recording)
            {
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _writes, writes);
            }
        });
        _listener.SetMeasurementEventCallback<double>((_, ms, _, _) =>
        {
            if (_recording)
            {
                lock (_gate)
                {
                    _busyMs += ms;
                }
            }
        });
        _listener.Start();
    }

    public void Start()
    {
        Interlocked.Exchange(ref _commits, 0);
        Interlocked.Exchange(ref _writes, 0);
        lock (_gate)
        {
            _busyMs = 0;
        }

        _writtenAtStart = ThreadWrites();
        _recording = true;
    }

    /// <summary>Stops recording; the share is left to the caller, who knows the phase's window.</summary>
    public StoreWriterLoad Stop()
    {
        _recording = false;
        double busy;
        lock (_gate)
        {
            busy = _busyMs;
        }

        var written = ThreadWrites();
        double? Kb(Func<(long Writer, long Checkpointer), long> of) =>
            written is { } end && _writtenAtStart is { } start ? Math.Round((of(end) - of(start)) / 1024.0, 1) : null;
        return new StoreWriterLoad(
            (int)Interlocked.Read(ref _commits), (int)Interlocked.Read(ref _writes), Math.Round(busy, 1), null, Kb(w => w.Writer), Kb(w => w.Checkpointer));
    }

    /// <summary>
    /// Bytes the store's writer and checkpoint threads have asked the kernel to write since they started, found by
    /// their names in <c>/proc/self/task</c>; null off Linux or before the store's first write started them. A
    /// thread's <c>wchar</c> counts what it passed to write calls whether or not it reached the disk yet, so it
    /// measures the pages SQLite wrote, not the disk's own batching.
    /// </summary>
    internal static (long Writer, long Checkpointer)? ThreadWrites()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        long? writer = null;
        long? checkpointer = null;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                var isWriter = name == Comm(StoreTelemetry.WriterThreadName);
                if (!isWriter && name != Comm(StoreTelemetry.CheckpointerThreadName))
                {
                    continue;
                }

                var chars = File.ReadLines(Path.Combine(task, "io"))
                    .Where(line => line.StartsWith("wchar:", StringComparison.Ordinal))
                    .Select(line => long.Parse(line.AsSpan("wchar:".Length).Trim(), CultureInfo.InvariantCulture))
                    .FirstOrDefault();
                // Several stores (and so writers) in one process are not the harness's case; their bytes add up.
                if (isWriter)
                {
                    writer = (writer ?? 0) + chars;
                }
                else
                {
                    checkpointer = (checkpointer ?? 0) + chars;
                }
            }
        }
        catch (IOException)
        {
            // A thread that ended between listing and reading; the figures are left out rather than wrong.
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        return writer is { } w ? (w, checkpointer ?? 0) : null;
    }

    // Linux keeps a thread's name to 15 bytes.
    private static string Comm(string threadName) => threadName.Length <= 15 ? threadName : threadName[..15];

    public void Dispose() => _listener.Dispose();
}
