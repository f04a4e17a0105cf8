using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Minato.Streaming.Http2;
using static Minato.Tests.Streaming.Http2.Http2TestBytes;

namespace Minato.Tests.Streaming.Http2;

public sealed class AuthorityRewritingTransportTests
{
    private const string SocketPath = "/run/minato/minato.sock";

    private static readonly byte[] ClientSettings = Frame(Settings, 0, 0, Hex("0002 0000 0000 0003 0000 0064"));

    [Fact]
    public async Task Input_PathAuthority_BecomesLocalhost()
    {
        var input = Concat(Preface, ClientSettings, Frame(Headers, EndHeaders | EndStream, 1, RequestBlock(SocketPath)));

        var output = await RewriteAsync(input);

        Assert.Equal(Concat(Preface, ClientSettings, Frame(Headers, EndHeaders | EndStream, 1, ExpectedRequestBlock("localhost"))), output);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:1234")]
    [InlineData("[::1]")]
    [InlineData("unix.sock.example")]
    public async Task Input_HostAuthority_IsKept(string authority)
    {
        var input = Concat(Preface, Frame(Headers, EndHeaders, 1, RequestBlock(authority)));

        var output = await RewriteAsync(input);

        Assert.Equal(Concat(Preface, Frame(Headers, EndHeaders, 1, ExpectedRequestBlock(authority))), output);
    }

    [Fact]
    public async Task Input_PaddedHeadersWithPriority_DropsPaddingKeepsPriority()
    {
        byte[] priority = [0x80, 0, 0, 3, 15];
        var payload = Concat([4], priority, RequestBlock(SocketPath), new byte[4]);
        var input = Concat(Preface, Frame(Headers, Padded | PriorityFlag | EndHeaders | EndStream, 5, payload));

        var output = await RewriteAsync(input);

        var expected = Frame(Headers, PriorityFlag | EndHeaders | EndStream, 5, Concat(priority, ExpectedRequestBlock("localhost")));
        Assert.Equal(Concat(Preface, expected), output);
    }

    [Fact]
    public async Task Input_HeadersWithContinuations_ReassembledIntoOneFrame()
    {
        var block = RequestBlock(SocketPath);
        var input = Concat(
            Preface,
            Frame(Headers, Padded | EndStream, 1, Concat([2], block[..5], [0, 0])),
            Frame(Continuation, 0, 1, block[5..9]), // splits the authority string
            Frame(Continuation, 0, 1, []),
            Frame(Continuation, EndHeaders, 1, block[9..]));

        var output = await RewriteAsync(input);

        Assert.Equal(Concat(Preface, Frame(Headers, EndHeaders | EndStream, 1, ExpectedRequestBlock("localhost"))), output);
    }

    [Fact]
    public async Task Input_OtherFrames_PassByteForByte()
    {
        byte[][] others =
        [
            ClientSettings,
            Frame(Settings, Ack, 0, []),
            Frame(Ping, 0, 0, Hex("0102030405060708")),
            Frame(WindowUpdate, 0, 0, Hex("00010000")),
            Frame(Priority, 0, 3, Hex("0000000110")),
            Frame(Data, Padded, 1, Concat([3], Frame(Headers, EndHeaders, 1, Hex("80")), new byte[3])), // a "frame" in DATA
            Frame(Data, EndStream, 1, []),
            Frame(RstStream, 0, 1, Hex("00000008")),
            Frame(0xFA, 0xFF, 9, Hex("deadbeef")), // unknown type, ignored by Kestrel
        ];
        var input = Concat(
            Preface,
            others[0],
            Frame(Headers, EndHeaders, 1, RequestBlock("localhost")),
            Concat(others[1..]),
            Frame(Headers, EndHeaders, 3, Hex("82 86 84 be")));

        var output = await RewriteAsync(input);

        Assert.Equal(
            Concat(
                Preface,
                others[0],
                Frame(Headers, EndHeaders, 1, ExpectedRequestBlock("localhost")),
                Concat(others[1..]),
                Frame(Headers, EndHeaders, 3, ExpectedRequestBlock("localhost"))),
            output);
    }

    [Fact]
    public async Task Input_SecondRequestIndexesAuthorityFromFirst_BothRewritten()
    {
        var input = Concat(
            Preface,
            Frame(Headers, EndHeaders | EndStream, 1, RequestBlock(SocketPath)),
            Frame(Headers, EndHeaders | EndStream, 3, Hex("82 86 84 be"))); // 62: the :authority just added

        var output = await RewriteAsync(input);

        Assert.Equal(
            Concat(
                Preface,
                Frame(Headers, EndHeaders | EndStream, 1, ExpectedRequestBlock("localhost")),
                Frame(Headers, EndHeaders | EndStream, 3, ExpectedRequestBlock("localhost"))),
            output);
    }

    [Fact]
    public async Task Input_DeliveredOneOctetAtATime_SameOutput()
    {
        var block = RequestBlock(SocketPath);
        var input = Concat(
            Preface,
            ClientSettings,
            Frame(Headers, PriorityFlag, 1, Concat([0, 0, 0, 0, 7], block[..6])),
            Frame(Continuation, EndHeaders, 1, block[6..]),
            Frame(Data, EndStream, 1, Ascii("hello")));

        var output = await RewriteAsync(input, chunkSize: 1);

        Assert.Equal(
            Concat(
                Preface,
                ClientSettings,
                Frame(Headers, PriorityFlag | EndHeaders, 1, Concat([0, 0, 0, 0, 7], ExpectedRequestBlock("localhost"))),
                Frame(Data, EndStream, 1, Ascii("hello"))),
            output);
    }

    [Fact]
    public async Task Input_PartialDataFrame_ForwardedBeforeItCompletes()
    {
        var client = new Pipe();
        await using var transport = Start(client.Reader);
        var data = Frame(Data, 0, 1, new byte[1000]);

        await client.Writer.WriteAsync(Concat(Preface, data[..509]));
        var forwarded = await ReadAtLeastAsync(transport.Input, Preface.Length + 509);

        Assert.Equal(Concat(Preface, data[..509]), forwarded);
        await client.Writer.CompleteAsync();
    }

    [Fact]
    public async Task Input_NotHttp2Preface_PassesThroughUntouched()
    {
        var input = Ascii("GET / HTTP/1.1\r\nHost: /run/x.sock\r\n\r\n");

        Assert.Equal(input, await RewriteAsync(input));
    }

    [Theory]
    [InlineData("80")] // index 0
    [InlineData("82 86 84 bf")] // dynamic index beyond the table
    [InlineData("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 00")] // Huffman padding of zeros
    [InlineData("82 20")] // size update after a field
    public async Task Input_MalformedHeaderBlock_AbortsConnection(string block)
    {
        var input = Concat(Preface, Frame(Headers, EndHeaders, 1, Hex(block)));

        var error = await Assert.ThrowsAsync<ConnectionAbortedException>(() => RewriteAsync(input));

        Assert.IsType<HpackDecodingException>(error.InnerException);
    }

    [Theory]
    [InlineData(Ping, 0)] // another frame inside the header block
    [InlineData(Continuation, 3)] // CONTINUATION for another stream
    [InlineData(Headers, 1)] // HEADERS again
    public async Task Input_HeaderBlockInterrupted_AbortsConnection(byte type, int streamId)
    {
        var block = RequestBlock(SocketPath);
        var input = Concat(Preface, Frame(Headers, 0, 1, block[..4]), Frame(type, 0, streamId, block[4..]));

        var error = await Assert.ThrowsAsync<ConnectionAbortedException>(() => RewriteAsync(input));

        Assert.IsType<Http2FramingException>(error.InnerException);
    }

    [Fact]
    public async Task Input_PaddingLongerThanPayload_AbortsConnection()
    {
        var input = Concat(Preface, Frame(Headers, Padded | EndHeaders, 1, Concat([3], Hex("82 86"))));

        var error = await Assert.ThrowsAsync<ConnectionAbortedException>(() => RewriteAsync(input));

        Assert.IsType<Http2FramingException>(error.InnerException);
    }

    [Fact]
    public async Task Input_HeaderBlockOverLimit_AbortsBeforeBuffering()
    {
        var limits = new AuthorityRewriteLimits(4096, 65536, 1000);
        var input = Concat(Preface, Frame(Headers, 0, 1, new byte[600]), Frame(Continuation, 0, 1, new byte[600]));

        var error = await Assert.ThrowsAsync<ConnectionAbortedException>(() => RewriteAsync(input, limits: limits));

        Assert.IsType<Http2FramingException>(error.InnerException);
    }

    [Fact]
    public async Task Input_HeadersFrameOverMaxFrameSize_AbortsConnection()
    {
        var input = Concat(Preface, Frame(Headers, EndHeaders, 1, new byte[16385]));

        var error = await Assert.ThrowsAsync<ConnectionAbortedException>(() => RewriteAsync(input));

        Assert.IsType<Http2FramingException>(error.InnerException);
    }

    [Fact]
    public async Task Input_DataFrameOverMaxFrameSize_PassesForKestrelToJudge()
    {
        var input = Concat(Preface, Frame(Data, 0, 1, new byte[20000]));

        Assert.Equal(input, await RewriteAsync(input));
    }

    private static async Task<byte[]> RewriteAsync(byte[] input, int chunkSize = int.MaxValue, AuthorityRewriteLimits? limits = null)
    {
        var client = new Pipe();
        await using var transport = Start(client.Reader, limits);
        var writing = Task.Run(async () =>
        {
            for (var offset = 0; offset < input.Length; offset += chunkSize)
            {
                await client.Writer.WriteAsync(input.AsMemory(offset, Math.Min(chunkSize, input.Length - offset)));
            }

            await client.Writer.CompleteAsync();
        });

        var output = await ReadAtLeastAsync(transport.Input, int.MaxValue);
        await writing;
        return output;
    }

    private static AuthorityRewritingTransport Start(PipeReader clientInput, AuthorityRewriteLimits? limits = null)
    {
        var transport = new AuthorityRewritingTransport(
            new DuplexPipe(clientInput, new Pipe().Writer), limits ?? AuthorityRewriteLimits.Default, NullLogger.Instance);
        transport.Start(CancellationToken.None);
        return transport;
    }

    /// <summary>Reads until <paramref name="count"/> octets arrived or the writer completed.</summary>
    private static async Task<byte[]> ReadAtLeastAsync(PipeReader reader, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<byte>();
        while (received.Count < count)
        {
            var result = await reader.ReadAsync(timeout.Token);
            foreach (var segment in result.Buffer)
            {
                received.AddRange(segment.ToArray());
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        return [.. received];
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
