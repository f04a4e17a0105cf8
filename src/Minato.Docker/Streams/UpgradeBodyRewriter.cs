using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Minato.Docker.Streams;

/// <summary>
/// Moves the small JSON body of a connection's first request into a header when that request asks for an upgrade, so
/// Kestrel (which offers no upgrade to a request with a body) can hijack it as dockerd does: the docker CLI's
/// <c>POST /exec/{id}/start</c> carries <c>{"Detach":false,"Tty":false}</c> and <c>Upgrade: tcp</c> on a fresh connection.
/// </summary>
/// <remarks>Only the first request head of the connection is looked at (the CLI dials a new connection for every
/// hijack); a head or body above the bounds passes through untouched. Everything else is copied as it comes.</remarks>
public sealed class UpgradeBodyRewriter : IDuplexPipe
{
    /// <summary>The header that carries the moved body, base64.</summary>
    public const string BodyHeader = "X-Minato-Upgrade-Body";

    /// <summary>Largest request head examined.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>Largest body moved.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private readonly IDuplexPipe _inner;
    private readonly Pipe _input = new();

    public UpgradeBodyRewriter(IDuplexPipe inner)
    {
        _inner = inner;
        _ = PumpAsync();
    }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _inner.Output;

    /// <summary>The request head with its body folded into <see cref="BodyHeader"/>, or null to leave it as it is.</summary>
    public static byte[]? Rewrite(string head, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(head);
        var lines = head.Split("\r\n").ToList();
        lines.RemoveAll(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        lines.Add("Content-Length: 0");
        lines.Add($"{BodyHeader}: {Convert.ToBase64String(body)}");
        return Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n");
    }

    /// <summary>The body length the head announces when it asks for an upgrade and has a body small enough; else 0.</summary>
    public static int MovableBodyLength(string head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var lines = head.Split("\r\n");
        var upgrade = lines.Any(l => l.StartsWith("Upgrade:", StringComparison.OrdinalIgnoreCase));
        var length = lines.Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.TryParse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1)
            .FirstOrDefault();
        return upgrade && length is > 0 and <= MaxBodyBytes && !lines.Any(l => l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase)) ? length : 0;
    }

    private async Task PumpAsync()
    {
        var reader = _inner.Input;
        var writer = _input.Writer;
        Exception? error = null;
        try
        {
            await FirstRequestAsync(reader, writer);
            while (true)
            {
                var result = await reader.ReadAsync();
                foreach (var segment in result.Buffer)
                {
                    await writer.WriteAsync(segment);
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            error = e;
        }

        await writer.CompleteAsync(error);
    }

    private static async Task FirstRequestAsync(PipeReader reader, PipeWriter writer)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            var end = Find(buffer, "\r\n\r\n"u8);
            if (end < 0 && buffer.Length <= MaxHeadBytes && !result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            var head = end < 0 ? null : Encoding.ASCII.GetString(buffer.Slice(0, end).ToArray());
            var bodyLength = head is null ? 0 : MovableBodyLength(head);
            if (bodyLength == 0)
            {
                // Not ours: hand it over unchanged.
                reader.AdvanceTo(buffer.Start);
                return;
            }

            var total = end + 4 + bodyLength;
            if (buffer.Length < total && !result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            if (buffer.Length < total)
            {
                reader.AdvanceTo(buffer.Start);
                return;
            }

            await writer.WriteAsync(Rewrite(head!, buffer.Slice(end + 4, bodyLength).ToArray()));
            reader.AdvanceTo(buffer.GetPosition(total));
            return;
        }
    }

    private static long Find(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> value)
    {
        var reader = new SequenceReader<byte>(buffer);
        return reader.TryReadTo(out ReadOnlySequence<byte> before, value, advancePastDelimiter: false) ? before.Length : -1;
    }
}
