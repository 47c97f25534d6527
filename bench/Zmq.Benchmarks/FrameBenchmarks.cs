using BenchmarkDotNet.Attributes;
using Zmq.Protocol;

namespace Zmq.Benchmarks;

/// <summary>
/// The ZMTP framing hot paths, per frame (each invocation handles <see cref="Frames"/> frames):
/// decoding a buffer full of frames, as one socket read under load holds them, and writing frames
/// into a send buffer.
/// </summary>
[MemoryDiagnoser]
public class FrameBenchmarks
{
    public const int Frames = 64;

    private byte[] _wire = [];
    private byte[] _body = [];
    private byte[] _destination = [];

    [Params(16, 256, 1024, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = new byte[Size];
        Random.Shared.NextBytes(_body);
        _wire = new byte[Frames * FrameWriter.FrameSize(Size)];
        int at = 0;
        for (int i = 0; i < Frames; i++)
        {
            at += FrameWriter.WriteFrame(_wire.AsSpan(at), _body, 0);
        }
        _destination = new byte[_wire.Length];
    }

    /// <summary>All frames in one buffer; Allocated is the body array each decoded frame gets.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public int Decode()
    {
        var decoder = new FrameDecoder(-1);
        ReadOnlySpan<byte> input = _wire;
        int n = 0;
        while (decoder.TryDecode(ref input, out var frame))
        {
            n += frame.Body.Length;
        }
        return n;
    }

    /// <summary>The same frames arriving in 1500-byte pieces, as small socket reads deliver them.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public int DecodeFragmented()
    {
        var decoder = new FrameDecoder(-1);
        int n = 0;
        for (int at = 0; at < _wire.Length; at += 1500)
        {
            ReadOnlySpan<byte> input = _wire.AsSpan(at, Math.Min(1500, _wire.Length - at));
            while (decoder.TryDecode(ref input, out var frame))
            {
                n += frame.Body.Length;
            }
        }
        return n;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int Write()
    {
        int at = 0;
        var destination = _destination.AsSpan();
        for (int i = 0; i < Frames; i++)
        {
            at += FrameWriter.WriteFrame(destination[at..], _body, 0);
        }
        return at;
    }
}
