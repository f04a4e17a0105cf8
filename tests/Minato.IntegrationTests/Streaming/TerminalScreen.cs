using System.Text;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Collects what a session writes to its client, so a test can wait for some text to appear.</summary>
public sealed class TerminalScreen : IDisposable
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _changed = new(0);

    public TerminalScreen(Stream output) => Reading = ReadAsync(output);

    /// <summary>Completes when the session's output ends.</summary>
    public Task Reading { get; }

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    public async Task WaitForAsync(string expected, TimeSpan timeout)
    {
        if (!await TryWaitForAsync(expected, timeout))
        {
            throw new TimeoutException($"never saw {expected:Q}; screen: {Text}");
        }
    }

    /// <summary>Waits for <paramref name="expected"/> to appear after what earlier waits matched.</summary>
    public async Task<bool> TryWaitForAsync(string expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_lock)
            {
                var at = _text.ToString().IndexOf(expected, StringComparison.Ordinal);
                if (at >= 0)
                {
                    _text.Remove(0, at + expected.Length);
                    return true;
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _changed.WaitAsync(left))
            {
                return false;
            }
        }
    }

    public void Dispose() => _changed.Dispose();

    private async Task ReadAsync(Stream output)
    {
        var buffer = new byte[4096];
        int read;
        while ((read = await output.ReadAsync(buffer)) > 0)
        {
            lock (_lock)
            {
                _text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            _changed.Release();
        }
    }
}
