using System.Buffers;
using Minato.Streaming.Http2;
using static Minato.Tests.Streaming.Http2.Http2TestBytes;

namespace Minato.Tests.Streaming.Http2;

public sealed class Http2HeaderFrameWriterTests
{
    [Fact]
    public void Write_SmallBlock_OneHeadersFrameWithEndHeaders()
    {
        var writer = new ArrayBufferWriter<byte>();

        Http2HeaderFrameWriter.Write(writer, 3, EndStream | Padded, [], [1, 2, 3]);

        Assert.Equal(Frame(Headers, EndStream | EndHeaders, 3, [1, 2, 3]), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Write_EmptyBlock_OneEmptyHeadersFrame()
    {
        var writer = new ArrayBufferWriter<byte>();

        Http2HeaderFrameWriter.Write(writer, 1, 0, [], []);

        Assert.Equal(Frame(Headers, EndHeaders, 1, []), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Write_LargeBlockWithPriority_SplitsIntoContinuationsOf16384()
    {
        var block = Enumerable.Range(0, 40_000).Select(i => (byte)i).ToArray();
        byte[] priority = [0x80, 0, 0, 5, 200];
        var writer = new ArrayBufferWriter<byte>();

        Http2HeaderFrameWriter.Write(writer, 7, EndStream | PriorityFlag, priority, block);

        var firstFragment = 16384 - priority.Length;
        var expected = Concat(
            Frame(Headers, EndStream | PriorityFlag, 7, Concat(priority, block[..firstFragment])),
            Frame(Continuation, 0, 7, block[firstFragment..(firstFragment + 16384)]),
            Frame(Continuation, EndHeaders, 7, block[(firstFragment + 16384)..]));
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Write_BlockOfExactlyOneFrame_NoEmptyContinuation()
    {
        var block = new byte[16384];
        var writer = new ArrayBufferWriter<byte>();

        Http2HeaderFrameWriter.Write(writer, 1, 0, [], block);

        Assert.Equal(Frame(Headers, EndHeaders, 1, block), writer.WrittenSpan.ToArray());
    }
}
