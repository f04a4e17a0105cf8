using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Minato.Configuration;
using Minato.Engine.Devices.Cdi;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Registry;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Network;
using Minato.Engine.Oci.Spec;
using Minato.Migrate;
using Minato.Streaming.Http2;
using Minato.Streaming.Spdy;
using Minato.Streaming.WebSockets;

namespace Minato.Fuzz;

/// <summary>One parser fed untrusted bytes: how to run it on one input and which exceptions are its typed, expected way of
/// saying no. Anything else escaping it is a crash.</summary>
/// <param name="Name">The target's name, also its corpus directory.</param>
/// <param name="Run">Parses one input.</param>
/// <param name="Expected">The exception types the parser documents for bad input.</param>
public sealed record FuzzTarget(string Name, Action<byte[]> Run, IReadOnlyList<Type> Expected)
{
    /// <summary>True when <paramref name="exception"/> is one of <see cref="Expected"/> (or derives from one).</summary>
    public bool IsExpected(Exception exception) => Expected.Any(t => t.IsInstanceOfType(exception));
}

/// <summary>Every fuzz target, by name.</summary>
public static class FuzzTargets
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("tar", UnpackLayer, [typeof(MalformedLayerException), typeof(UnsafeLayerException), typeof(SizeLimitExceededException), typeof(StorageLimitException)]),
        new("manifest", data => ManifestParser.Parse(data, Digest.Compute(data), null, null),
            [typeof(UnsupportedImageException), typeof(SizeLimitExceededException), typeof(InvalidDigestException), typeof(ContentVerificationException)]),
        new("image-config", data => ManifestParser.ParseConfig(data, Digest.Compute(data), layerCount: 2),
            [typeof(UnsupportedImageException), typeof(SizeLimitExceededException), typeof(InvalidDigestException), typeof(ContentVerificationException)]),
        new("image-reference", data => ImageReference.Parse(Text(data)), [typeof(InvalidInputException)]),
        new("registries-conf", data => WithFile(data, path => RegistriesConfigLoader.Load(path)), [typeof(ConfigException)]),
        new("minato-toml", data => WithFile(data, path => ConfigLoader.Load(path, new ConfigOverrides())), [typeof(ConfigException)]),
        new("www-authenticate", data => AuthChallenge.Parse(Text(data)), []),
        new("hpack", DecodeHpack, [typeof(HpackDecodingException)]),
        new("http2-rewrite", RewriteHttp2, [typeof(Http2FramingException), typeof(HpackDecodingException)]),
        new("spdy-frames", ReadSpdyFrames, [typeof(SpdyProtocolException)]),
        new("spdy-header-block", data => new SpdyHeaderBlock().Decode(data), [typeof(SpdyProtocolException)]),
        new("websocket-channels", ReceiveWebSocketChannels, [typeof(WebSocketException)]),
        new("cni-result", data => CniResult.Parse(data), [typeof(CniException)]),
        new("cni-network-list", data => CniNetworkList.Parse("fuzz.conflist", data), [typeof(FormatException)]),
        new("passwd", data => UserDatabase.ParsePasswd(Text(data)), []),
        new("group", data => UserDatabase.ParseGroup(Text(data)), []),
        new("seccomp-profile", data => SeccompProfileFile.Parse("fuzz.json", data), [typeof(InvalidInputException)]),
        new("cdi-spec", data => CdiSpecFile.Parse(data.Length > 0 && data[0] != '{' ? "fuzz.yaml" : "fuzz.json", 0, data), [typeof(FormatException)]),
        new("migrate-manifests", data => ManifestReader.Read(new InputSource("fuzz.yaml", () => new MemoryStream(data))).ToList(), [typeof(ManifestException)]),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    private static string Text(byte[] data) => StrictUtf8.GetString(data);

    private static void WithFile(byte[] data, Action<string> run)
    {
        var path = Path.Combine(Path.GetTempPath(), $"minato-fuzz-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}.toml");
        File.WriteAllBytes(path, data);
        try
        {
            run(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A layer tar applied to an empty directory with small bounds, which is removed afterwards.</summary>
    private static void UnpackLayer(byte[] data)
    {
        var directory = Directory.CreateTempSubdirectory("minato-fuzz-layer-");
        try
        {
            var unpacker = new LayerUnpacker(new UnpackLimits { MaxBytes = 16 << 20, MaxEntries = 10_000, MaxPaxHeaderBytes = 64 << 10 });
            unpacker.UnpackAsync(new MemoryStream(data), directory.FullName, CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static void DecodeHpack(byte[] data)
    {
        using var decoder = new HpackDecoder(AuthorityRewriteLimits.DefaultDynamicTableSize, AuthorityRewriteLimits.DefaultHeaderListSize);
        var headers = new HeaderList(AuthorityRewriteLimits.DefaultHeaderListSize);

        // Two blocks through one decoder, so entries the first adds to the dynamic table are looked up by the second: a
        // 16-bit big-endian length, the first block, then the second.
        var first = data.Length >= 2 ? Math.Min((data[0] << 8) | data[1], data.Length - 2) : 0;
        var rest = data.AsSpan(Math.Min(2, data.Length));
        decoder.Decode(rest[..first], headers);
        decoder.Decode(rest[first..], new HeaderList(AuthorityRewriteLimits.DefaultHeaderListSize));
    }

    /// <summary>The connection preface and frames as a client sends them, fed in two chunks as a socket delivers them.</summary>
    private static void RewriteHttp2(byte[] data)
    {
        using var rewriter = new Http2InputRewriter(AuthorityRewriteLimits.Default);
        var output = new ArrayBufferWriter<byte>();
        var pending = new List<byte>();
        foreach (var chunk in new[] { data.AsSpan(0, data.Length / 3).ToArray(), data.AsSpan(data.Length / 3).ToArray() })
        {
            pending.AddRange(chunk);
            var input = new ReadOnlySequence<byte>(pending.ToArray());
            var consumed = rewriter.Process(input, output);
            pending = [.. input.Slice(consumed).ToArray()];
        }
    }

    /// <summary>Frames as a client sends them, each taken apart as the connection's dispatch does (header blocks through
    /// one shared zlib context).</summary>
    private static void ReadSpdyFrames(byte[] data)
    {
        var buffer = new ReadOnlySequence<byte>(data);
        var headers = new SpdyHeaderBlock();
        while (SpdyFrameCodec.TryRead(ref buffer, out var frame) && frame is not null)
        {
            switch (frame.Type)
            {
                case SpdyFrameType.SynStream:
                    _ = SpdyFrameCodec.ControlStreamId(frame);
                    headers.Decode(frame.Payload.AsSpan(10));
                    break;
                case SpdyFrameType.SynReply or SpdyFrameType.Headers:
                    headers.Decode(frame.Payload.AsSpan(4));
                    break;
                case SpdyFrameType.RstStream:
                    _ = SpdyFrameCodec.ControlStreamId(frame);
                    break;
                case SpdyFrameType.Settings:
                    _ = SpdyFrameCodec.ReadSettings(frame);
                    break;
                case SpdyFrameType.Ping:
                    _ = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.Payload);
                    break;
                case SpdyFrameType.WindowUpdate:
                    _ = (SpdyFrameCodec.ControlStreamId(frame), SpdyFrameCodec.SecondWord(frame));
                    break;
            }
        }
    }

    /// <summary>The bytes as a client's WebSocket frames to the server, read as Kubernetes channel messages.</summary>
    private static void ReceiveWebSocketChannels(byte[] data)
    {
        using var socket = WebSocket.CreateFromStream(new InputOnlyStream(data), new WebSocketCreationOptions { IsServer = true });
        using var channels = new WebSocketChannels(socket, base64: data.Length > 0 && (data[0] & 1) == 1, TimeSpan.FromMinutes(1));
        for (var i = 0; i < 64; i++)
        {
            if (channels.ReceiveAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is null)
            {
                return;
            }
        }
    }
}

/// <summary>A stream that reads the given bytes and swallows whatever is written (a WebSocket's close replies).</summary>
internal sealed class InputOnlyStream(byte[] input) : Stream
{
    private readonly MemoryStream _input = new(input, writable: false);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count)
    {
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
