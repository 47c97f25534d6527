using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Zmq.Tests.Support;

/// <summary>Reads the library's meter as an exporter would: counters as they are added, observable
/// instruments when collected. Tests filter by endpoint, which is their own.</summary>
internal sealed class MeterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Reading> _added = new();
    private readonly Lock _collecting = new();
    private List<Reading> _observed = [];

    public sealed record Reading(string Instrument, double Value, Dictionary<string, string?> Tags)
    {
        public bool Has(string tag, string? value) => Tags.TryGetValue(tag, out var v) && v == value;
    }

    public MeterReader()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ZmqMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var reading = new Reading(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString()));
        if (instrument.IsObservable)
        {
            _observed.Add(reading);
        }
        else
        {
            _added.Enqueue(reading);
        }
    }

    /// <summary>Collects the observable instruments now: the value of <paramref name="instrument"/> for
    /// <paramref name="endpoint"/> (and a further tag, if given), summed over the rows that match.</summary>
    public long Observe(string instrument, string endpoint, string? tag = null, string? value = null)
    {
        lock (_collecting)
        {
            _observed = [];
            _listener.RecordObservableInstruments();
            return (long)_observed
                .Where(r => r.Instrument == instrument && r.Has("zmq.endpoint", endpoint) && (tag == null || r.Has(tag, value)))
                .Sum(r => r.Value);
        }
    }

    /// <summary>What was added to a counter so far, over the readings that match.</summary>
    public double Added(string instrument, Func<Reading, bool> match) =>
        _added.Where(r => r.Instrument == instrument && match(r)).Sum(r => r.Value);

    public void Dispose() => _listener.Dispose();
}
