using System.Buffers.Binary;
using Zmq.Protocol;
using static Zmq.Tests.Protocol.TestBytes;

namespace Zmq.Tests.Protocol;

public class FrameDecoderTests
{
    /// <summary>Every whole-frame vector of digest §6 (the RADIO one is two frames).</summary>
    private static readonly string[] DigestVectors =
    [
        "04 29 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 06 44 45 41 4C 45 52 08 49 64 65 6E 74 69 74 79 00 00 00 00",
        "04 1C 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 06 43 4C 49 45 4E 54",
        "04 19 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 03 53 55 42",
        "04 0B 09 53 55 42 53 43 52 49 42 45 41",
        "00 02 01 41",
        "04 08 06 43 41 4E 43 45 4C 41",
        "00 04 41 4C 4F 4C",
        "04 0A 04 50 49 4E 47 00 00 4C 4F 4C",
        "04 08 04 50 4F 4E 47 4C 4F 4C",
        "04 07 04 50 49 4E 47 01 2C",
        "04 0C 04 4A 4F 49 4E 77 65 61 74 68 65 72",
        "04 0D 05 4C 45 41 56 45 77 65 61 74 68 65 72",
        "01 07 77 65 61 74 68 65 72 00 02 68 69",
        "04 0A 05 45 52 52 4F 52 03 34 30 30",
        "04 13 05 48 45 4C 4C 4F 05 61 64 6D 69 6E 06 73 65 63 72 65 74",
        "04 08 07 57 45 4C 43 4F 4D 45",
    ];

    public static TheoryData<string> DigestFrameVectors => new(DigestVectors);

    /// <summary>Inputs for the splitting tests: the digest vectors plus long-form headers, which the
    /// digest vectors never reach, and a run of frames of every kind back to back.</summary>
    public static TheoryData<string> SplitVectors
    {
        get
        {
            var data = new TheoryData<string>(DigestVectors);
            data.Add(ToHex(Encode(0, Pattern(300))));
            data.Add(ToHex(Encode(FrameFlags.More, Pattern(256))));
            data.Add("02 00 00 00 00 00 00 00 04 41 4C 4F 4C");
            data.Add(ToHex(Concat(
                Encode(FrameFlags.More, Pattern(3)),
                Encode(0, []),
                Encode(FrameFlags.Command, Hex("04 50 49 4E 47 00 00")),
                Encode(FrameFlags.More, Pattern(257)),
                Encode(0, Pattern(1), forceLong: true),
                Encode(0, Pattern(255)))));
            return data;
        }
    }

    private static string ToHex(byte[] bytes) => string.Join(' ', bytes.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Test-side encoder, kept separate from FrameWriter so the decoder is not checked
    /// against the code it is paired with.</summary>
    private static byte[] Encode(byte flags, byte[] body, bool forceLong = false)
    {
        if (body.Length > 255 || forceLong)
        {
            var header = new byte[9];
            header[0] = (byte)(flags | FrameFlags.Long);
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(1), (ulong)body.Length);
            return Concat(header, body);
        }
        return Concat([flags, (byte)body.Length], body);
    }

    /// <summary>Reference reading of a well-formed byte stream, one "flags:body" string per frame.</summary>
    private static List<string> ReferenceFrames(byte[] input)
    {
        var frames = new List<string>();
        int i = 0;
        while (i < input.Length)
        {
            byte flags = input[i];
            long size;
            if ((flags & FrameFlags.Long) != 0)
            {
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(input.AsSpan(i + 1, 8));
                i += 9;
            }
            else
            {
                size = input[i + 1];
                i += 2;
            }
            frames.Add(Describe(flags, input.AsSpan(i, (int)size)));
            i += (int)size;
        }
        Assert.Equal(input.Length, i);
        return frames;
    }

    private static string Describe(byte flags, ReadOnlySpan<byte> body) => $"{flags:X2}:{Convert.ToHexString(body)}";

    private static string Describe(Frame f) => Describe(f.Flags, f.Body);

    /// <summary>Feeds one read's worth of bytes, collecting every frame it completes.</summary>
    private static List<Frame> Feed(FrameDecoder decoder, ReadOnlySpan<byte> input)
    {
        var frames = new List<Frame>();
        while (decoder.TryDecode(ref input, out var frame))
        {
            frames.Add(frame);
        }
        // A false return promises the decoder kept the rest; leftover bytes would be lost by the engine.
        Assert.True(input.IsEmpty, $"{input.Length} bytes left unconsumed");
        return frames;
    }

    private static List<string> FeedPieces(FrameDecoder decoder, IEnumerable<byte[]> pieces) =>
        pieces.SelectMany(p => Feed(decoder, p)).Select(Describe).ToList();

    [Theory]
    [MemberData(nameof(DigestFrameVectors))]
    public void Decoder_DecodesEveryDigestFrameVectorInOneRead(string vector)
    {
        var input = Hex(vector);
        var decoder = new FrameDecoder(-1);

        var frames = Feed(decoder, input).Select(Describe).ToList();

        Assert.Equal(ReferenceFrames(input), frames);
        Assert.True(decoder.IsIdle);
    }

    [Theory]
    [InlineData("04 29 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 06 44 45 41 4C 45 52 08 49 64 65 6E 74 69 74 79 00 00 00 00", "READY", "0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 06 44 45 41 4C 45 52 08 49 64 65 6E 74 69 74 79 00 00 00 00")]
    [InlineData("04 1C 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 06 43 4C 49 45 4E 54", "READY", "0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 06 43 4C 49 45 4E 54")]
    [InlineData("04 19 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 03 53 55 42", "READY", "0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 03 53 55 42")]
    [InlineData("04 0B 09 53 55 42 53 43 52 49 42 45 41", "SUBSCRIBE", "41")]
    [InlineData("04 08 06 43 41 4E 43 45 4C 41", "CANCEL", "41")]
    [InlineData("04 0A 04 50 49 4E 47 00 00 4C 4F 4C", "PING", "00 00 4C 4F 4C")]
    [InlineData("04 07 04 50 49 4E 47 01 2C", "PING", "01 2C")]
    [InlineData("04 08 04 50 4F 4E 47 4C 4F 4C", "PONG", "4C 4F 4C")]
    [InlineData("04 0C 04 4A 4F 49 4E 77 65 61 74 68 65 72", "JOIN", "77 65 61 74 68 65 72")]
    [InlineData("04 0D 05 4C 45 41 56 45 77 65 61 74 68 65 72", "LEAVE", "77 65 61 74 68 65 72")]
    [InlineData("04 0A 05 45 52 52 4F 52 03 34 30 30", "ERROR", "03 34 30 30")]
    [InlineData("04 13 05 48 45 4C 4C 4F 05 61 64 6D 69 6E 06 73 65 63 72 65 74", "HELLO", "05 61 64 6D 69 6E 06 73 65 63 72 65 74")]
    [InlineData("04 08 07 57 45 4C 43 4F 4D 45", "WELCOME", "")]
    public void Decoder_DigestCommandVectorsDecodeToNameAndData(string vector, string name, string data)
    {
        var frame = Assert.Single(Feed(new FrameDecoder(-1), Hex(vector)));

        Assert.True(frame.IsCommand);
        Assert.False(frame.More);
        Assert.True(Commands.TryParse(frame.Body, out string parsedName, out var parsedData, out string? error), error);
        Assert.Equal(name, parsedName);
        Assert.Equal(Hex(data), parsedData.ToArray());
    }

    [Fact]
    public void Decoder_MessageAlolIsOneDataFrame()
    {
        var frame = Assert.Single(Feed(new FrameDecoder(-1), Hex("00 04 41 4C 4F 4C")));

        Assert.False(frame.IsCommand);
        Assert.False(frame.More);
        Assert.Equal("ALOL"u8.ToArray(), frame.Body);
    }

    [Fact]
    public void Decoder_LegacySubscribeIsADataFrameNotACommand()
    {
        // ZMTP 3.0 peers subscribe with a data frame; treating it as a command would drop the subscription.
        var frame = Assert.Single(Feed(new FrameDecoder(-1), Hex("00 02 01 41")));

        Assert.False(frame.IsCommand);
        Assert.Equal(Hex("01 41"), frame.Body);
    }

    [Fact]
    public void Decoder_RadioMessageIsGroupFrameWithMoreThenBodyFrame()
    {
        var frames = Feed(new FrameDecoder(-1), Hex("01 07 77 65 61 74 68 65 72 00 02 68 69"));

        Assert.Equal(2, frames.Count);
        Assert.True(frames[0].More);
        Assert.Equal("weather"u8.ToArray(), frames[0].Body);
        Assert.False(frames[1].More);
        Assert.Equal("hi"u8.ToArray(), frames[1].Body);
    }

    [Theory]
    [MemberData(nameof(SplitVectors))]
    public void Decoder_AcceptsFrameSplitAtEveryByteBoundary(string vector)
    {
        var input = Hex(vector);
        var expected = ReferenceFrames(input);

        for (int cut = 0; cut <= input.Length; cut++)
        {
            var frames = FeedPieces(new FrameDecoder(-1), [input[..cut], input[cut..]]);
            Assert.True(expected.SequenceEqual(frames), $"split at byte {cut} decoded differently");
        }
    }

    [Theory]
    [MemberData(nameof(SplitVectors))]
    public void Decoder_AcceptsInputFedOneByteAtATime(string vector)
    {
        var input = Hex(vector);
        var decoder = new FrameDecoder(-1);

        var frames = FeedPieces(decoder, input.Select(b => new[] { b }));

        Assert.Equal(ReferenceFrames(input), frames);
        Assert.True(decoder.IsIdle);
    }

    [Fact]
    public void Decoder_DecodesManyFramesFromOneRead()
    {
        var rng = new Random(12345);
        var parts = new List<byte[]>();
        for (int i = 0; i < 200; i++)
        {
            var body = new byte[rng.Next(0, 600)];
            rng.NextBytes(body);
            parts.Add(Encode(i % 2 == 0 ? FrameFlags.More : (byte)0, body, forceLong: i % 7 == 0));
        }
        var input = Concat([.. parts]);

        var frames = Feed(new FrameDecoder(-1), input).Select(Describe).ToList();

        Assert.Equal(200, frames.Count);
        Assert.Equal(ReferenceFrames(input), frames);
    }

    [Fact]
    public void Decoder_KeepsPartialTrailingFrameForTheNextRead()
    {
        var decoder = new FrameDecoder(-1);
        var input = Concat(Hex("00 04 41 4C 4F 4C"), Hex("00 04 41 4C"));

        var first = Feed(decoder, input);
        Assert.Equal("ALOL"u8.ToArray(), Assert.Single(first).Body);
        Assert.False(decoder.IsIdle);

        var second = Feed(decoder, Hex("4F 4C"));
        Assert.Equal("ALOL"u8.ToArray(), Assert.Single(second).Body);
        Assert.True(decoder.IsIdle);
    }

    [Theory]
    [InlineData("02 00 00 00 00 00 00 00 04 41 4C 4F 4C", 0x02, "41 4C 4F 4C")]
    [InlineData("03 00 00 00 00 00 00 00 01 41", 0x03, "41")]
    [InlineData("06 00 00 00 00 00 00 00 05 04 50 49 4E 47", 0x06, "04 50 49 4E 47")]
    [InlineData("02 00 00 00 00 00 00 00 00", 0x02, "")]
    public void Decoder_AcceptsLongFormHeaderForSmallSize(string vector, byte flags, string body)
    {
        var frame = Assert.Single(Feed(new FrameDecoder(-1), Hex(vector)));

        Assert.Equal(flags, frame.Flags);
        Assert.Equal(Hex(body), frame.Body);
    }

    [Theory]
    [InlineData("00 0B")]
    [InlineData("01 0B")]
    [InlineData("02 00 00 00 00 00 00 00 0B")]
    [InlineData("03 00 00 00 00 00 00 00 0B")]
    public void Decoder_RefusesFrameOneByteOverMaxMessageSizeFromHeaderAlone(string header)
    {
        // Only the header is fed: the refusal must not wait for (or buffer) any body byte.
        var decoder = new FrameDecoder(maxMessageSize: 10);

        Assert.Throws<ProtocolException>(() => Feed(decoder, Hex(header)));
    }

    [Theory]
    [InlineData("00 0A")]
    [InlineData("02 00 00 00 00 00 00 00 0A")]
    public void Decoder_AcceptsFrameExactlyAtMaxMessageSize(string header)
    {
        var decoder = new FrameDecoder(maxMessageSize: 10);
        var body = Pattern(10);

        Assert.Empty(Feed(decoder, Hex(header)));
        Assert.False(decoder.IsIdle);
        var frame = Assert.Single(Feed(decoder, body));

        Assert.Equal(body, frame.Body);
    }

    [Fact]
    public void Decoder_OversizeFrameIsRefusedBeforeAnyBodyMemoryIsTaken()
    {
        // With a 1 GiB limit, a frame announcing 1 GiB + 1 must fail on the header; measuring the
        // allocation shows no body buffer was set up first.
        var decoder = new FrameDecoder(maxMessageSize: 1L << 30);
        var header = Hex("02 00 00 00 00 40 00 00 01");

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtocolException>(() => Feed(decoder, header));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1 << 20, $"refusing the header allocated {allocated} bytes");
    }

    [Fact]
    public void Decoder_AnnouncedHugeFrameWithinLimitCostsNoMoreThanWhatHasArrived()
    {
        // The class promises that merely announcing a big frame costs nothing; a peer could
        // otherwise exhaust memory with 9-byte headers.
        var decoder = new FrameDecoder(maxMessageSize: 1L << 30);
        var header = Hex("02 00 00 00 00 40 00 00 00");

        long before = GC.GetAllocatedBytesForCurrentThread();
        var frames = Feed(decoder, header);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Empty(frames);
        Assert.False(decoder.IsIdle);
        Assert.True(allocated < 1 << 20, $"a bare header allocated {allocated} bytes");
    }

    [Fact]
    public void Decoder_MaxMessageSizeZeroAllowsOnlyEmptyFrames()
    {
        var decoder = new FrameDecoder(maxMessageSize: 0);

        Assert.Empty(Assert.Single(Feed(decoder, Hex("00 00"))).Body);
        Assert.Throws<ProtocolException>(() => Feed(decoder, Hex("00 01")));
    }

    [Fact]
    public void Decoder_MaxMessageSizeChangeAppliesToNextFrame()
    {
        var decoder = new FrameDecoder(maxMessageSize: -1);
        Assert.Single(Feed(decoder, Hex("00 04 41 4C 4F 4C")));

        decoder.MaxMessageSize = 3;

        Assert.Throws<ProtocolException>(() => Feed(decoder, Hex("00 04")));
    }

    [Fact]
    public void Decoder_MaxMessageSizeDoesNotApplyToCommands()
    {
        // A small data limit must not make the 28-byte READY of the handshake fail.
        var decoder = new FrameDecoder(maxMessageSize: 4);
        var ready = Hex("04 1C 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 06 43 4C 49 45 4E 54");

        var frame = Assert.Single(Feed(decoder, ready));

        Assert.Equal(28, frame.Body.Length);
    }

    [Theory]
    [InlineData(0x08)]
    [InlineData(0x10)]
    [InlineData(0x20)]
    [InlineData(0x40)]
    [InlineData(0x80)]
    [InlineData(0x0C)]
    [InlineData(0xFF)]
    public void Decoder_RefusesReservedFlagBitsAtTheFlagsByte(byte flags)
    {
        Assert.Throws<ProtocolException>(() => Feed(new FrameDecoder(-1), [flags]));
    }

    [Theory]
    [InlineData(0x08)]
    [InlineData(0x80)]
    public void Decoder_RefusesReservedFlagBitsInACompleteFrame(byte flags)
    {
        // A whole frame in one read takes a different path than a lone flags byte.
        Assert.Throws<ProtocolException>(() => Feed(new FrameDecoder(-1), [flags, 0x01, 0x41]));
    }

    [Theory]
    [InlineData("05")]
    [InlineData("07")]
    [InlineData("05 04 50 49 4E 47")]
    [InlineData("07 00 00 00 00 00 00 00 01 41")]
    public void Decoder_RefusesCommandWithMoreFlag(string input)
    {
        Assert.Throws<ProtocolException>(() => Feed(new FrameDecoder(-1), Hex(input)));
    }

    [Theory]
    [InlineData("02 80 00 00 00 00 00 00 00")]
    [InlineData("02 FF FF FF FF FF FF FF FF")]
    [InlineData("06 80 00 00 00 00 00 00 01")]
    public void Decoder_RefusesEightByteSizeWithTopBitSet(string header)
    {
        // Unlimited MaxMessageSize, so the size must be refused for itself, not for a limit.
        Assert.Throws<ProtocolException>(() => Feed(new FrameDecoder(-1), Hex(header)));
    }

    [Fact]
    public void Decoder_RefusesCommandOverCommandSizeLimit()
    {
        var decoder = new FrameDecoder(maxMessageSize: -1, maxCommandSize: 100);

        Assert.Throws<ProtocolException>(() => Feed(decoder, Hex("04 65")));
    }

    [Fact]
    public void Decoder_AcceptsCommandAtCommandSizeLimit()
    {
        var decoder = new FrameDecoder(maxMessageSize: -1, maxCommandSize: 100);
        var body = Concat(Hex("04 50 49 4E 47 00 00"), Pattern(93));

        var frame = Assert.Single(Feed(decoder, Encode(FrameFlags.Command, body)));

        Assert.Equal(body, frame.Body);
    }

    [Fact]
    public void Decoder_DefaultCommandLimitRefusesOneMiBPlusOneEvenWithUnlimitedMessages()
    {
        var decoder = new FrameDecoder(maxMessageSize: -1);

        Assert.Throws<ProtocolException>(() => Feed(decoder, Hex("06 00 00 00 00 00 10 00 01")));
    }

    [Fact]
    public void Decoder_CommandLimitDoesNotApplyToDataFrames()
    {
        var decoder = new FrameDecoder(maxMessageSize: -1, maxCommandSize: 100);
        var body = Pattern(300);

        var frame = Assert.Single(Feed(decoder, Encode(0, body)));

        Assert.Equal(body, frame.Body);
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(1_000_003)]
    public void Decoder_LargeFrameFedInThousandBytePiecesDecodesExactly(int size)
    {
        var rng = new Random(size);
        var body = new byte[size];
        rng.NextBytes(body);
        // A small frame right behind the big one checks that the piece finishing the body is not
        // swallowed whole.
        var input = Concat(Encode(FrameFlags.More, body), Hex("00 04 41 4C 4F 4C"));
        var decoder = new FrameDecoder(-1);
        var frames = new List<Frame>();

        for (int offset = 0; offset < input.Length; offset += 1000)
        {
            var got = Feed(decoder, input.AsSpan(offset, Math.Min(1000, input.Length - offset)));
            if (offset + 1000 < input.Length - 6)
            {
                Assert.Empty(got);
            }
            frames.AddRange(got);
        }

        Assert.Equal(2, frames.Count);
        Assert.True(frames[0].More);
        Assert.Equal(size, frames[0].Body.Length);
        Assert.True(body.AsSpan().SequenceEqual(frames[0].Body), "large body differs");
        Assert.Equal("ALOL"u8.ToArray(), frames[1].Body);
        Assert.True(decoder.IsIdle);
    }

    [Theory]
    [InlineData("00 00", 1)]
    [InlineData("01 00 00 00", 2)]
    [InlineData("02 00 00 00 00 00 00 00 00", 1)]
    [InlineData("00 00 00 00 00 00", 3)]
    public void Decoder_DecodesZeroLengthFrames(string input, int count)
    {
        var frames = Feed(new FrameDecoder(-1), Hex(input));

        Assert.Equal(count, frames.Count);
        Assert.All(frames, f => Assert.Empty(f.Body));
    }

    [Fact]
    public void Decoder_ZeroLengthFrameCompletesOnItsSizeByte()
    {
        // No body byte will ever come, so waiting for one would stall the connection.
        var decoder = new FrameDecoder(-1);

        Assert.Empty(Feed(decoder, Hex("01")));
        var frame = Assert.Single(Feed(decoder, Hex("00")));

        Assert.True(frame.More);
        Assert.Empty(frame.Body);
        Assert.True(decoder.IsIdle);
    }

    [Fact]
    public void Decoder_EmptyCommandFrameIsFramedButRefusedByCommandParser()
    {
        var frame = Assert.Single(Feed(new FrameDecoder(-1), Hex("04 00")));

        Assert.True(frame.IsCommand);
        Assert.False(Commands.TryParse(frame.Body, out _, out _, out string? error));
        Assert.NotNull(error);
    }

    [Fact]
    public void PooledBodies_BodyEndsAtTheFrameEvenWhenTheRentedArrayIsLonger()
    {
        var body = Enumerable.Range(0, 70).Select(i => (byte)i).ToArray();
        byte[] input = [.. Encode(0, body), .. Encode(0, "hi"u8.ToArray())];
        for (int split = 1; split < input.Length; split++)
        {
            var decoder = new FrameDecoder(-1) { PooledBodies = true };
            var frames = Feed(decoder, input.AsSpan(0, split)).Concat(Feed(decoder, input.AsSpan(split))).ToList();
            Assert.Equal(2, frames.Count);
            Assert.True(frames[0].Pooled, "a 70-byte data body comes from the pool");
            Assert.True(frames[0].Body.Length >= 70);
            Assert.Equal(70, frames[0].Length);
            Assert.True(body.AsSpan().SequenceEqual(frames[0].Body.AsSpan(0, frames[0].Length)), $"body differs at split {split}");
            Assert.Equal("hi"u8.ToArray(), frames[1].Body);
        }
    }

    [Fact]
    public void PooledBodies_NeverForCommands()
    {
        var decoder = new FrameDecoder(-1) { PooledBodies = true };
        var command = Encode(FrameFlags.Command, [5, .. "READY"u8, .. new byte[100]]);
        var frame = Assert.Single(Feed(decoder, command));
        Assert.False(frame.Pooled);
        Assert.Equal(106, frame.Body.Length);
    }

    [Fact]
    public void DecodeSmall_TakesAShortDataFrameInlineAndLeavesTheRest()
    {
        var decoder = new FrameDecoder(-1);
        ReadOnlySpan<byte> input = [.. Encode(FrameFlags.More, "tick"u8.ToArray()), .. Encode(0, new byte[65])];
        Assert.True(decoder.TryDecodeSmall(ref input, out var msg));
        Assert.True(msg.IsInline);
        Assert.True(msg.More);
        Assert.Equal("tick"u8.ToArray(), msg.Span.ToArray());
        // 65 bytes is one past the inline capacity: left for the general path.
        Assert.False(decoder.TryDecodeSmall(ref input, out _));
        Assert.Equal(67, input.Length);
    }

    [Theory]
    [InlineData("10 01 41", -1, "reserved")]
    [InlineData("00 04 41 42 43 44", 3, "MaxMessageSize")]
    public void DecodeSmall_LeavesFaultyFramesToTheGeneralPathWhichNamesTheFault(string hex, long maxMessageSize, string fault)
    {
        var decoder = new FrameDecoder(maxMessageSize);
        var bytes = Hex(hex);
        ReadOnlySpan<byte> input = bytes;
        Assert.False(decoder.TryDecodeSmall(ref input, out _));
        Assert.Equal(bytes.Length, input.Length);
        var e = Assert.Throws<ProtocolException>(() =>
        {
            ReadOnlySpan<byte> again = bytes;
            decoder.TryDecode(ref again, out _);
        });
        Assert.Contains(fault, e.Message, StringComparison.Ordinal);
    }
}
