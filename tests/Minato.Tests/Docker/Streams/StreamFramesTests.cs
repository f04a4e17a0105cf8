using System.Text;
using Minato.Docker.Streams;

namespace Minato.Tests.Docker.Streams;

public sealed class StreamFramesTests
{
    [Fact]
    public async Task WriteAsync_Multiplexed_WritesEightByteHeaderThenPayload()
    {
        using var output = new MemoryStream();
        using var frames = new StreamFrames(output, multiplexed: true);

        await frames.WriteAsync(StreamKind.Stderr, "hi\n"u8.ToArray(), default);

        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 0, 0, 3, (byte)'h', (byte)'i', (byte)'\n' }, output.ToArray());
    }

    [Fact]
    public async Task WriteAsync_Stdout_FirstByteIsOne()
    {
        using var output = new MemoryStream();
        using var frames = new StreamFrames(output, multiplexed: true);

        await frames.WriteAsync(StreamKind.Stdout, "x"u8.ToArray(), default);

        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 1, (byte)'x' }, output.ToArray());
    }

    [Fact]
    public async Task WriteAsync_Raw_WritesPayloadOnly()
    {
        using var output = new MemoryStream();
        using var frames = new StreamFrames(output, multiplexed: false);

        await frames.WriteAsync(StreamKind.Stderr, "tty"u8.ToArray(), default);

        Assert.Equal("tty", Encoding.ASCII.GetString(output.ToArray()));
    }

    [Fact]
    public async Task WriteAsync_LargerThanOneFrame_SplitsWithBigEndianLengths()
    {
        using var output = new MemoryStream();
        using var frames = new StreamFrames(output, multiplexed: true);
        var payload = new byte[StreamFrames.MaxPayload + 5];

        await frames.WriteAsync(StreamKind.Stdout, payload, default);

        var bytes = output.ToArray();
        Assert.Equal(payload.Length + 2 * StreamFrames.HeaderSize, bytes.Length);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0x80, 0x00 }, bytes[..8]);
        var second = StreamFrames.HeaderSize + StreamFrames.MaxPayload;
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 5 }, bytes[second..(second + 8)]);
    }

    [Fact]
    public void WriteHeader_LengthAboveSixteenBits_UsesAllFourBytes()
    {
        var header = new byte[8];

        StreamFrames.WriteHeader(header, StreamKind.SystemError, 0x01020304);

        Assert.Equal(new byte[] { 3, 0, 0, 0, 1, 2, 3, 4 }, header);
    }
}
