using System.Security.Cryptography;
using Minato.Engine.Errors;

namespace Minato.Streaming;

/// <summary>Single-use, short-lived tokens naming pending streaming requests; bounded so callers cannot fill memory.</summary>
public sealed class StreamingTokens(StreamingOptions options, TimeProvider time)
{
    private readonly Dictionary<string, (StreamingRequest Request, DateTimeOffset Expires)> _pending = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Unused tokens currently held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Stores <paramref name="request"/> under a new unguessable token.</summary>
    /// <exception cref="OverloadedException">Too many unused tokens are pending (RESOURCE_EXHAUSTED: the caller may retry).</exception>
    public string Issue(StreamingRequest request)
    {
        var now = time.GetUtcNow();
        var token = Base64Url(RandomNumberGenerator.GetBytes(16));
        lock (_lock)
        {
            if (_pending.Count >= options.MaxPendingTokens)
            {
                RemoveExpired(now);
            }

            if (_pending.Count >= options.MaxPendingTokens)
            {
                throw new OverloadedException($"{_pending.Count} streaming requests are waiting for their clients; try again later");
            }

            _pending[token] = (request, now + options.TokenLifetime);
        }

        return token;
    }

    /// <summary>Takes the request for <paramref name="token"/> once; null when unknown, used or expired.</summary>
    public StreamingRequest? Take(string token)
    {
        lock (_lock)
        {
            if (!_pending.Remove(token, out var entry))
            {
                return null;
            }

            return entry.Expires > time.GetUtcNow() ? entry.Request : null;
        }
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        foreach (var (token, entry) in _pending.ToList())
        {
            if (entry.Expires <= now)
            {
                _pending.Remove(token);
            }
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
