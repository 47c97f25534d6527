namespace Zmq.Diagnostics;

/// <summary>One socket endpoint's counts for the metrics (Diagnostics/ZmqMetrics.cs).</summary>
internal struct EndpointTotals
{
    public long MessagesSent;
    public long MessagesReceived;
    public long BytesSent;
    public long BytesReceived;
    public long DroppedAtHwm;
    public long DroppedNoRoute;
    public long DroppedFiltered;
    public long DroppedMalformed;
    public long PeersConnected;

    public void Add(in EndpointTotals other)
    {
        MessagesSent += other.MessagesSent;
        MessagesReceived += other.MessagesReceived;
        BytesSent += other.BytesSent;
        BytesReceived += other.BytesReceived;
        DroppedAtHwm += other.DroppedAtHwm;
        DroppedNoRoute += other.DroppedNoRoute;
        DroppedFiltered += other.DroppedFiltered;
        DroppedMalformed += other.DroppedMalformed;
        PeersConnected += other.PeersConnected;
    }
}
