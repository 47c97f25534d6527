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
    public void PoolBucket_KeepsAboutItsCapacity()
    {
        var bucket = new BufferPool.Bucket(128, 3);
        var rented = Enumerable.Range(0, 100).Select(_ => bucket.Rent()).ToList();
        rented.ForEach(bucket.Return);
        // The capacity is checked every 16 returns.
        Assert.InRange(bucket.Count, 3, 3 + 16);
    }

    [Fact]
    public void PoolBucket_TrimHalvesABucketThatNeverRanDryAndKeepsOneThatDid()
    {
        var bucket = new BufferPool.Bucket(128, 100);
        var burst = Enumerable.Range(0, 10).Select(_ => bucket.Rent()).ToList(); // ran dry ten times
        burst.ForEach(bucket.Return);
        bucket.Trim();
        Assert.Equal(10, bucket.Count);

        // Steady traffic that the bucket serves without running dry.
        var x = bucket.Rent();
        bucket.Return(x);
        bucket.Trim();
        Assert.Equal(5, bucket.Count);
        bucket.Trim();
        bucket.Trim();
        bucket.Trim();
        Assert.Equal(0, bucket.Count);
    }
}
