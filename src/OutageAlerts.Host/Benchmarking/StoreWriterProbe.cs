using System.Diagnostics.Metrics;
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
public sealed record StoreWriterLoad(int Commits, int Writes, double BusyMs, double? BusyShare);

/// <summary>Listens to the store's meter (<see cref="StoreTelemetry"/>) from <see cref="Start"/> to <see cref="Stop"/>.</summary>
internal sealed class StoreWriterProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _commits;
    private long _writes;
    private double _busyMs;
    private readonly Lock _gate = new();
    private volatile bool _recording;

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

        return new StoreWriterLoad((int)Interlocked.Read(ref _commits), (int)Interlocked.Read(ref _writes), Math.Round(busy, 1), null);
    }

    public void Dispose() => _listener.Dispose();
}
