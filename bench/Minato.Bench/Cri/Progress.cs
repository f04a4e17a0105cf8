namespace Minato.Bench.Cri;

/// <summary>What the terminal shows while the bench runs: a line per phase and, on a terminal, one status line that
/// rewrites itself; when the output is a file or pipe, status lines are printed at most every few seconds.</summary>
internal sealed class Progress(TextWriter output)
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan _lastPrinted = TimeSpan.FromMinutes(-1);
    private readonly Lock _lock = new();
    private int _statusWidth;

    public void Phase(string text)
    {
        lock (_lock)
        {
            ClearStatus();
            output.WriteLine($"[{_clock.Elapsed:mm\\:ss}] {text}");
        }
    }

    public void Status(string text)
    {
        lock (_lock)
        {
            if (_interactive)
            {
                var line = $"[{_clock.Elapsed:mm\\:ss}]   {text}";
                output.Write("\r" + line.PadRight(_statusWidth));
                _statusWidth = line.Length;
            }
            else if (_clock.Elapsed - _lastPrinted >= TimeSpan.FromSeconds(5))
            {
                _lastPrinted = _clock.Elapsed;
                output.WriteLine($"[{_clock.Elapsed:mm\\:ss}]   {text}");
            }
        }
    }

    private void ClearStatus()
    {
        if (_interactive && _statusWidth > 0)
        {
            output.Write("\r" + new string(' ', _statusWidth) + "\r");
            _statusWidth = 0;
        }
    }
}
