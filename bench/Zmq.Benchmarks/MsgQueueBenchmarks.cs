using BenchmarkDotNet.Attributes;
using Zmq.Engine;
using Zmq.Messages;

namespace Zmq.Benchmarks;

/// <summary>
/// The pipe queue on one thread, per message: filled to a high-water mark's depth and drained (the
/// bursty shape, crossing segments and recycling the spare), or one in, one out (the idle shape);
/// whole messages copied in and out, or a 64-byte payload written into its slot in place and read
/// straight out of it (the path sends and span receives take); and the payload pool.
/// </summary>
[MemoryDiagnoser]
public class MsgQueueBenchmarks
{
    private const int Depth = 1000;
    private readonly MsgQueue _queue = new();
    private readonly Msg _msg = Msg.Wrap(new byte[64]);
    private readonly byte[] _payload = new byte[64];
    private readonly byte[] _received = new byte[64];

    [Benchmark(OperationsPerInvoke = Depth)]
    public int FillThenDrain()
    {
        for (int i = 0; i < Depth; i++)
        {
            _queue.Enqueue(_msg);
        }
        int n = 0;
        while (_queue.TryDequeue(out var m))
        {
            n += m.Length;
        }
        return n;
    }

    [Benchmark(OperationsPerInvoke = Depth)]
    public int OneInOneOut()
    {
        int n = 0;
        for (int i = 0; i < Depth; i++)
        {
            _queue.Enqueue(_msg);
            _queue.TryDequeue(out var m);
            n += m.Length;
        }
        return n;
    }

    [Benchmark(OperationsPerInvoke = Depth)]
    public int FillThenDrainInPlace()
    {
        for (int i = 0; i < Depth; i++)
        {
            _queue.NextSlot().SetInline(_payload);
            _queue.CommitEnqueue();
        }
        int n = 0;
        while (_queue.HasMessage)
        {
            n += _queue.DequeueInto(_received, out _);
        }
        return n;
    }

    [Benchmark(OperationsPerInvoke = Depth)]
    public int PoolRentReturn1KiB()
    {
        int n = 0;
        for (int i = 0; i < Depth; i++)
        {
            var b = BufferPool.Rent(1024);
            n += b.Length;
            BufferPool.Return(b);
        }
        return n;
    }
}
