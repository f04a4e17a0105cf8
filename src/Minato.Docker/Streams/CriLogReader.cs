using System.Globalization;
using System.Text;

namespace Minato.Docker.Streams;

/// <summary>One line of a CRI-format log: <c>TIMESTAMP STREAM P|F CONTENT</c>.</summary>
/// <param name="Time">Unix nanoseconds.</param>
/// <param name="Stream">stdout or stderr.</param>
/// <param name="Partial">The line continues in the next entry (tag <c>P</c>); a full line (<c>F</c>) ends with a newline.</param>
/// <param name="Content">The bytes, with the newline restored for a full line.</param>
public sealed record CriLogEntry(long Time, StreamKind Stream, bool Partial, byte[] Content);

/// <summary>Reads the log file the monitor writes (the kubelet's CRI log format), for <c>docker logs</c> and attach's logs.</summary>
public static class CriLogReader
{
    /// <summary>Longest line read; the monitor splits its writes well below this, so a longer one is cut.</summary>
    public const int MaxLineBytes = 1024 * 1024;

    /// <summary>Parses one line (without its newline); null for a line that is not in the format.</summary>
    public static CriLogEntry? Parse(ReadOnlySpan<byte> line)
    {
        var first = line.IndexOf((byte)' ');
        if (first <= 0)
        {
            return null;
        }

        var rest = line[(first + 1)..];
        var second = rest.IndexOf((byte)' ');
        if (second <= 0)
        {
            return null;
        }

        var stream = rest[..second];
        var kind = stream.SequenceEqual("stdout"u8) ? StreamKind.Stdout : stream.SequenceEqual("stderr"u8) ? StreamKind.Stderr : (StreamKind?)null;
        rest = rest[(second + 1)..];
        if (kind is null || rest.Length < 1 || rest[0] is not ((byte)'P' or (byte)'F') || (rest.Length > 1 && rest[1] != (byte)' '))
        {
            return null;
        }

        var partial = rest[0] == (byte)'P';
        var content = rest.Length > 2 ? rest[2..] : [];
        if (!DateTimeOffset.TryParse(Encoding.ASCII.GetString(line[..first]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return null;
        }

        var nanos = time.ToUnixTimeMilliseconds() * 1_000_000 + FractionNanos(line[..first]) % 1_000_000;
        byte[] bytes = partial ? content.ToArray() : [.. content, (byte)'\n'];
        return new CriLogEntry(nanos, kind.Value, partial, bytes);
    }

    /// <summary>Reads complete lines from <paramref name="stream"/> from its current position; a last line without its
    /// newline is left for the next read (the position stays before it).</summary>
    public static async IAsyncEnumerable<CriLogEntry> ReadAsync(FileStream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var pending = new MemoryStream();
        long consumed = stream.Position;
        long lineLength = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                if (pending.Length + (i - start) <= MaxLineBytes)
                {
                    pending.Write(buffer, start, i - start);
                }

                consumed += lineLength + (i - start) + 1;
                lineLength = 0;
                var entry = Parse(pending.GetBuffer().AsSpan(0, (int)pending.Length));
                pending.SetLength(0);
                start = i + 1;
                if (entry is not null)
                {
                    yield return entry;
                }
            }

            if (pending.Length + (read - start) <= MaxLineBytes)
            {
                pending.Write(buffer, start, read - start);
            }

            lineLength += read - start;
        }

        stream.Position = consumed;
    }

    /// <summary>The nanoseconds below the millisecond of an RFC 3339 timestamp's fraction.</summary>
    private static long FractionNanos(ReadOnlySpan<byte> timestamp)
    {
        var dot = timestamp.IndexOf((byte)'.');
        if (dot < 0)
        {
            return 0;
        }

        long nanos = 0;
        var digits = 0;
        for (var i = dot + 1; i < timestamp.Length && digits < 9 && timestamp[i] is >= (byte)'0' and <= (byte)'9'; i++, digits++)
        {
            nanos = nanos * 10 + (timestamp[i] - '0');
        }

        for (; digits < 9; digits++)
        {
            nanos *= 10;
        }

        return nanos;
    }
}
