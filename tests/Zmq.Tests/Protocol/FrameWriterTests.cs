using Zmq.Protocol;
using static Zmq.Tests.Protocol.TestBytes;

namespace Zmq.Tests.Protocol;

public class FrameWriterTests
{
    private static byte[] Header(long bodySize, byte flags)
    {
        var buffer = new byte[16];
        int n = FrameWriter.WriteHeader(buffer, bodySize, flags);
        return buffer[..n];
    }

    [Fact]
    public void WriteHeader_256ByteMessageUsesLongFormLikeLibzmq()
    {
        Assert.Equal(Hex("02 00 00 00 00 00 00 01 00"), Header(256, 0));
    }

    [Fact]
    public void WriteHeader_255ByteMessageStaysShortForm()
    {
        Assert.Equal(Hex("00 FF"), Header(255, 0));
    }

    [Fact]
    public void WriteHeader_ZeroLengthIsShortForm()
    {
        Assert.Equal(Hex("00 00"), Header(0, 0));
    }

    [Theory]
    [InlineData(0L, "01 00")]
    [InlineData(4L, "01 04")]
    [InlineData(256L, "03 00 00 00 00 00 00 01 00")]
    public void WriteHeader_KeepsMoreFlagInBothForms(long size, string expected)
    {
        Assert.Equal(Hex(expected), Header(size, FrameFlags.More));
    }

    [Fact]
    public void WriteHeader_LongCommandSetsLongAlongsideCommand()
    {
        Assert.Equal(Hex("06 00 00 00 00 00 00 01 2C"), Header(300, FrameFlags.Command));
    }

    [Fact]
    public void WriteHeader_SizeAbove4GiBIsWrittenAsFullBigEndianUInt64()
    {
        Assert.Equal(Hex("02 00 00 00 01 02 03 04 05"), Header(0x01_0203_0405L, 0));
    }

    [Fact]
    public void WriteFrame_AlolMatchesLibzmqVector()
    {
        var buffer = new byte[FrameWriter.FrameSize(4)];

        int n = FrameWriter.WriteFrame(buffer, "ALOL"u8, 0);

        Assert.Equal(6, n);
        Assert.Equal(Hex("00 04 41 4C 4F 4C"), buffer);
    }

    [Fact]
    public void WriteFrame_RadioGroupFrameCarriesMore()
    {
        var buffer = new byte[FrameWriter.FrameSize(7)];

        FrameWriter.WriteFrame(buffer, "weather"u8, FrameFlags.More);

        Assert.Equal(Hex("01 07 77 65 61 74 68 65 72"), buffer);
    }

    [Fact]
    public void WriteFrame_256ByteBodyFollowsNineByteHeader()
    {
        var body = Pattern(256);
        var buffer = new byte[FrameWriter.FrameSize(body.Length)];

        int n = FrameWriter.WriteFrame(buffer, body, 0);

        Assert.Equal(265, n);
        Assert.Equal(Hex("02 00 00 00 00 00 00 01 00"), buffer[..9]);
        Assert.Equal(body, buffer[9..]);
    }

    [Theory]
    [InlineData(0L, 2)]
    [InlineData(255L, 2)]
    [InlineData(256L, 9)]
    [InlineData(long.MaxValue, 9)]
    public void HeaderSize_SwitchesToLongFormAbove255(long bodySize, int expected)
    {
        Assert.Equal(expected, FrameFlags.HeaderSize(bodySize));
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(255, 257)]
    [InlineData(256, 265)]
    public void FrameSize_IsHeaderPlusBody(int bodySize, int expected)
    {
        Assert.Equal(expected, FrameWriter.FrameSize(bodySize));
    }
}
