using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.TerminalCalls;

namespace Minato.Engine.Linux;

/// <summary>A pseudo-terminal pair in raw mode: the daemon keeps the master, a child gets the slave as its stdio.</summary>
/// <remarks>
/// Both ends are close-on-exec; a child receives the slave only through explicit dup2 actions. The slave is
/// opened from the master with TIOCGPTPEER, so no /dev/pts path is looked up. Raw mode keeps the line
/// discipline out of the way: bytes pass unchanged and nothing is echoed twice.
/// </remarks>
public sealed unsafe class PseudoTerminal : IDisposable
{
    private PseudoTerminal(SafeFileHandle master, SafeFileHandle slave)
    {
        Master = master;
        Slave = slave;
    }

    /// <summary>The daemon's end: what the child writes is read here, what is written here is the child's input.</summary>
    public SafeFileHandle Master { get; }

    /// <summary>The child's end; close it once the child has its copies, so reads on the master end with the child.</summary>
    public SafeFileHandle Slave { get; }

    /// <summary>Allocates a pair in raw mode with the given size.</summary>
    public static PseudoTerminal Open(ushort columns, ushort rows)
    {
        var fd = PosixOpenpt(ORdWr | ONoCtty | LinuxConstants.OCloExec);
        SyscallException.ThrowIfFailed(fd, "posix_openpt");
        var master = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            SyscallException.ThrowIfFailed(Unlockpt(master), "unlockpt");
            var peer = IoctlInt(master, TiocGPtPeer, ORdWr | ONoCtty | LinuxConstants.OCloExec);
            SyscallException.ThrowIfFailed(peer, "ioctl(TIOCGPTPEER)");
            var terminal = new PseudoTerminal(master, new SafeFileHandle(peer, ownsHandle: true));
            terminal.MakeRaw();
            terminal.Resize(columns, rows);
            return terminal;
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    /// <summary>Sets the window size (TIOCSWINSZ); zero sizes are ignored, as a terminal cannot have them.</summary>
    public void Resize(ushort columns, ushort rows)
    {
        if (columns == 0 || rows == 0)
        {
            return;
        }

        var size = new WindowSize { Rows = rows, Columns = columns };
        SyscallException.ThrowIfFailed(IoctlPointer(Master, TiocSWinSz, &size), "ioctl(TIOCSWINSZ)");
    }

    public void Dispose()
    {
        Slave.Dispose();
        Master.Dispose();
    }

    private void MakeRaw()
    {
        var termios = stackalloc byte[TermiosSize];
        SyscallException.ThrowIfFailed(Tcgetattr(Slave, termios), "tcgetattr");
        Cfmakeraw(termios);
        SyscallException.ThrowIfFailed(Tcsetattr(Slave, TcsaNow, termios), "tcsetattr");
    }
}
