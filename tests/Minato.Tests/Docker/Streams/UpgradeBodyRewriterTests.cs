using System.IO.Pipelines;
using System.Text;
using Minato.Docker.Streams;

namespace Minato.Tests.Docker.Streams;

public sealed class UpgradeBodyRewriterTests
{
    private const string ExecStart = "POST /v1.45/exec/abc/start HTTP/1.1\r\nHost: api\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: 28\r\n\r\n{\"Detach\":false,\"Tty\":false}";

    [Fact]
    public async Task Input_UpgradeWithBody_BodyMovedIntoHeaderAndRestPassedOn()
    {
        var text = await RoundTripAsync(ExecStart[..^1] + "}stdin-bytes");

        Assert.Contains("Content-Length: 0\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length: 28", text, StringComparison.Ordinal);
        var header = text.Split("\r\n").Single(l => l.StartsWith(UpgradeBodyRewriter.BodyHeader, StringComparison.Ordinal));
        Assert.Equal("{\"Detach\":false,\"Tty\":false}", Encoding.UTF8.GetString(Convert.FromBase64String(header[(UpgradeBodyRewriter.BodyHeader.Length + 2)..])));
        Assert.EndsWith("\r\n\r\nstdin-bytes", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_NoUpgrade_PassedOnUnchanged()
    {
        var request = "POST /v1.45/containers/create HTTP/1.1\r\nHost: api\r\nContent-Length: 2\r\n\r\n{}";

        Assert.Equal(request, await RoundTripAsync(request));
    }

    [Fact]
    public void MovableBodyLength_BodyAboveBound_LeftAlone()
    {
        Assert.Equal(0, UpgradeBodyRewriter.MovableBodyLength($"POST / HTTP/1.1\r\nUpgrade: tcp\r\nContent-Length: {UpgradeBodyRewriter.MaxBodyBytes + 1}"));
        Assert.Equal(5, UpgradeBodyRewriter.MovableBodyLength("POST / HTTP/1.1\r\nUpgrade: tcp\r\nContent-Length: 5"));
    }

    private static async Task<string> RoundTripAsync(string request)
    {
        var inner = new Pipe();
        var output = new Pipe();
        var rewriter = new UpgradeBodyRewriter(new DuplexPipe(inner.Reader, output.Writer));

        // Sent in two pieces, as a socket may deliver it.
        var bytes = Encoding.ASCII.GetBytes(request);
        await inner.Writer.WriteAsync(bytes.AsMemory(0, 20));
        await inner.Writer.FlushAsync();
        await inner.Writer.WriteAsync(bytes.AsMemory(20));
        await inner.Writer.CompleteAsync();
        using var received = new MemoryStream();
        await rewriter.Input.CopyToAsync(received);
        return Encoding.ASCII.GetString(received.ToArray());
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
