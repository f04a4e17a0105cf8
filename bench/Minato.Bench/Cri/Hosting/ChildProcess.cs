using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Minato.Bench.Cri.Hosting;

/// <summary>A daemon the bench started: arguments from an array, output appended to a log file, stopped with SIGTERM and,
/// past a grace period, SIGKILL.</summary>
internal sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _closed;

    private ChildProcess(Process process, StreamWriter log, string logPath)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string file, IEnumerable<string> args, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        process.StandardInput.Close();
        return new ChildProcess(process, log, logPath);
    }

    /// <summary>The last lines of the log, for an error message.</summary>
    public string Tail(int lines = 30)
    {
        lock (_log)
        {
            if (!_closed)
            {
                _log.Flush();
            }
        }

        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var all = new StreamReader(stream).ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>; true when it exited on SIGTERM.</summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return true;
        }

        _ = Kill(_process.Id, 15);
        using var wait = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            using var last = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(last.Token);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        lock (_log)
        {
            _closed = true;
            _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (!_closed)
            {
                _log.WriteLine(line);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
