using System.Buffers;
using Minato.Streaming.Spdy;

namespace Minato.Tests.Streaming.Spdy;

public sealed class SpdyFrameCodecTests
{
    [Fact]
    public void TryRead_DataFrameWrittenByTheCodec_RoundTrips()
    {
        var output = new ArrayBufferWriter<byte>();
        SpdyFrameCodec.WriteData(output, 5, "hello"u8, fin: true);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);

        Assert.True(SpdyFrameCodec.TryRead(ref buffer, out var frame));

        Assert.Equal(SpdyFrameType.Data, frame!.Type);
        Assert.Equal(5, frame.StreamId);
        Assert.True(frame.IsFin);
        Assert.Equal("hello"u8.ToArray(), frame.Payload);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_ControlFrames_ParseTheirWords()
    {
        var output = new ArrayBufferWriter<byte>();
        SpdyFrameCodec.WriteTwoWords(output, SpdyFrameType.WindowUpdate, 3, 4096);
        SpdyFrameCodec.WriteSettings(output, [(SpdyFrame.SettingsInitialWindowSize, 1000u)]);
        SpdyFrameCodec.WritePing(output, 7);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);

        Assert.True(SpdyFrameCodec.TryRead(ref buffer, out var update));
        Assert.True(SpdyFrameCodec.TryRead(ref buffer, out var settings));
        Assert.True(SpdyFrameCodec.TryRead(ref buffer, out var ping));

        Assert.Equal((SpdyFrameType.WindowUpdate, 3, 4096u), (update!.Type, SpdyFrameCodec.ControlStreamId(update), SpdyFrameCodec.SecondWord(update)));
        Assert.Equal([(SpdyFrame.SettingsInitialWindowSize, 1000u)], SpdyFrameCodec.ReadSettings(settings!));
        Assert.Equal(SpdyFrameType.Ping, ping!.Type);
    }

    [Fact]
    public void TryRead_IncompleteFrame_ReturnsFalseAndConsumesNothing()
    {
        var output = new ArrayBufferWriter<byte>();
        SpdyFrameCodec.WriteData(output, 1, new byte[100], fin: false);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory[..50]);

        Assert.False(SpdyFrameCodec.TryRead(ref buffer, out _));
        Assert.Equal(50, buffer.Length);
    }

    [Fact]
    public void TryRead_LengthAboveTheLimit_ThrowsBeforeWaitingForThePayload()
    {
        byte[] header = [0x00, 0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff];
        var buffer = new ReadOnlySequence<byte>(header);

        Assert.Throws<SpdyProtocolException>(() => SpdyFrameCodec.TryRead(ref buffer, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00 })] // version 2
    [InlineData(new byte[] { 0x80, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1 })] // RST_STREAM too short
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 })] // data on stream 0
    public void TryRead_MalformedFrame_Throws(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Throws<SpdyProtocolException>(() => SpdyFrameCodec.TryRead(ref buffer, out _));
    }

    [Fact]
    public void ReadSettings_CountLargerThanThePayload_Throws()
    {
        var frame = new SpdyFrame(SpdyFrameType.Settings, 0, 0, [0, 0, 1, 0, 0, 0, 0, 0]);

        Assert.Throws<SpdyProtocolException>(() => SpdyFrameCodec.ReadSettings(frame));
    }
}
