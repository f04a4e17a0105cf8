using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.TerminalCalls;

namespace Minato.Engine.Linux;

/// <summary>A user's terminal put in raw mode for an interactive session; disposing puts back the settings it had.</summary>
/// <remarks>
/// Raw mode (cfmakeraw) hands every key, Ctrl-C included, to the remote terminal and stops the local echo, which the
/// remote terminal does instead. Dispose is idempotent and may run from a signal handler and a finally at once.
/// </remarks>
public sealed unsafe class TerminalRawMode : IDisposable
{
    private readonly SafeFileHandle _terminal;
    private readonly byte[] _saved;
    private int _restored;

    private TerminalRawMode(SafeFileHandle terminal, byte[] saved)
    {
        _terminal = terminal;
        _saved = saved;
    }

    /// <summary>Whether <paramref name="fd"/> is a terminal (isatty).</summary>
    public static bool IsTerminal(SafeFileHandle fd) => Isatty(fd) == 1;

    /// <summary>The window size of the terminal <paramref name="fd"/>; null when it is no terminal or reports zero.</summary>
    public static (ushort Columns, ushort Rows)? Size(SafeFileHandle fd)
    {
        var size = default(WindowSize);
        return IoctlPointer(fd, TiocGWinSz, &size) == 0 && size.Columns > 0 && size.Rows > 0 ? (size.Columns, size.Rows) : null;
    }

    /// <summary>Saves the settings of <paramref name="terminal"/> and switches it to raw mode.</summary>
    /// <exception cref="SyscallException">It is no terminal, or the settings cannot be changed.</exception>
    public static TerminalRawMode Enter(SafeFileHandle terminal)
    {
        var saved = new byte[TermiosSize];
        var raw = stackalloc byte[TermiosSize];
        fixed (byte* original = saved)
        {
            SyscallException.ThrowIfFailed(Tcgetattr(terminal, original), "tcgetattr");
            new ReadOnlySpan<byte>(original, TermiosSize).CopyTo(new Span<byte>(raw, TermiosSize));
        }

        Cfmakeraw(raw);
        SyscallException.ThrowIfFailed(Tcsetattr(terminal, TcsaNow, raw), "tcsetattr");
        return new TerminalRawMode(terminal, saved);
    }

    /// <summary>Restores the saved settings (once).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _restored, 1) != 0)
        {
            return;
        }

        fixed (byte* saved = _saved)
        {
            // Nothing useful can be done when the terminal is gone; the settings die with it.
            _ = Tcsetattr(_terminal, TcsaNow, saved);
        }
    }
}
