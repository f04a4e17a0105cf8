using Minato.Docker.Http;

namespace Minato.Docker.Streams;

/// <summary>The key sequence that detaches a client from a container's stdin (<c>ctrl-p,ctrl-q</c> by default), and a
/// filter that finds it in the input.</summary>
public sealed class DetachKeys
{
    /// <summary>ctrl-p, ctrl-q.</summary>
    public static readonly IReadOnlyList<byte> Default = [0x10, 0x11];

    private readonly IReadOnlyList<byte> _keys;
    private int _matched;

    public DetachKeys(IReadOnlyList<byte> keys) => _keys = keys;

    /// <summary>Parses <c>ctrl-&lt;x&gt;</c> and single characters, comma-separated; empty gives the default.</summary>
    /// <exception cref="DockerApiException">400 for an unknown key.</exception>
    public static IReadOnlyList<byte> Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Default;
        }

        var keys = new List<byte>();
        foreach (var key in text.Split(','))
        {
            if (key.Length == 1 && key[0] < 0x80)
            {
                keys.Add((byte)key[0]);
            }
            else if (key.StartsWith("ctrl-", StringComparison.Ordinal) && key.Length == 6 && (char.IsAsciiLetterLower(key[5]) || key[5] is '@' or '[' or '\\' or ']' or '^' or '_'))
            {
                keys.Add(char.IsAsciiLetterLower(key[5]) ? (byte)(key[5] - 'a' + 1) : (byte)(key[5] - '@'));
            }
            else
            {
                throw DockerApiException.BadRequest($"Invalid detach keys ({text}) provided");
            }
        }

        return keys;
    }

    /// <summary>Copies <paramref name="input"/> to <paramref name="output"/> minus a detach sequence; returns how many bytes
    /// were written and whether the sequence completed (the bytes after it are dropped). Bytes of a sequence begun but not
    /// finished are held until the next call decides.</summary>
    public (int Written, bool Detached) Filter(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        foreach (var b in input)
        {
            if (b == _keys[_matched])
            {
                _matched++;
                if (_matched == _keys.Count)
                {
                    _matched = 0;
                    return (written, true);
                }

                continue;
            }

            // A broken sequence: what was held goes through, then this byte starts over.
            for (var i = 0; i < _matched; i++)
            {
                output[written++] = _keys[i];
            }

            _matched = 0;
            if (b == _keys[0])
            {
                _matched = 1;
                if (_keys.Count == 1)
                {
                    _matched = 0;
                    return (written, true);
                }

                continue;
            }

            output[written++] = b;
        }

        return (written, false);
    }
}
