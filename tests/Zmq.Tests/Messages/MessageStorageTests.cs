using Zmq.Messages;

namespace Zmq.Tests.Messages;

/// <summary>Where payloads live: inline in the message up to 64 bytes, pooled beyond, and a pool
/// that keeps only what is in use.</summary>
public class MessageStorageTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Msg.InlineCapacity)]
    public void SmallPayloads_AreStoredInlineWithNoBuffer(int size)
    {
        var data = Enumerable.Range(1, size).Select(i => (byte)i).ToArray();
        var msg = Msg.CopyOf(data, more: true);
        Assert.True(msg.IsInline);
        Assert.Null(msg.Buffer);
        Assert.False(msg.Pooled);
        Assert.True(msg.More);
        Assert.Equal(data, msg.Span.ToArray());
        msg.Release();
        Assert.Equal(0, msg.Length);
    }

    [Theory]
    [InlineData(Msg.InlineCapacity + 1)]
    [InlineData(5000)]
    [InlineData(BufferPool.LargeLimit)]
    public void LargerPayloads_AreCopiedIntoAPooledBuffer(int size)
    {
        var data = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        var msg = Msg.CopyOf(data);
        Assert.False(msg.IsInline);
        Assert.True(msg.Pooled);
        Assert.True(msg.Buffer!.Length >= size);
        Assert.True(data.AsSpan().SequenceEqual(msg.Span));
        msg.Release();
        Assert.Null(msg.Buffer);
        Assert.False(msg.Pooled);
    }

    [Fact]
    public void PoolBucket_ReusesReturnedBuffers()
    {
        var bucket = new BufferPool.Bucket(256, 8);
        var a = bucket.Rent();
        bucket.Return(a);
        Assert.Same(a, bucket.Rent());
        Assert.Equal(256, a.Length);
    }

    [Fact]
    public void PoolBucket_KeepsNoMoreThanItsCapacity()
    {
        var bucket = new BufferPool.Bucket(128, 3);
        var rented = Enumerable.Range(0, 5).Select(_ => bucket.Rent()).ToList();
        rented.ForEach(bucket.Return);
        Assert.Equal(3, bucket.Count);
    }

    [Fact]
    public void PoolBucket_TrimDropsOnlyBuffersUnusedSinceTheLastTrim()
    {
        var bucket = new BufferPool.Bucket(128, 100);
        var burst = Enumerable.Range(0, 10).Select(_ => bucket.Rent()).ToList();
        burst.ForEach(bucket.Return);
        bucket.Trim(); // the burst used all ten: all kept
        Assert.Equal(10, bucket.Count);

        // Steady traffic now needs two at a time.
        var x = bucket.Rent();
        var y = bucket.Rent();
        bucket.Return(x);
        bucket.Return(y);
        bucket.Trim();
        Assert.Equal(2, bucket.Count);

        bucket.Trim(); // idle since: nothing kept
        Assert.Equal(0, bucket.Count);
    }
}
