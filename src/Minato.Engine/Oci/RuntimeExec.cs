using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Processes;

namespace Minato.Engine.Oci;

/// <summary>Which stdio an exec gets: pipes for the streams asked for (the rest is /dev/null), or one terminal
/// (when its process spec asks for one, see <see cref="ExecProcessFiles.Terminal"/>).</summary>
/// <param name="Stdin">Give the process a stdin pipe; without one its stdin is /dev/null.</param>
/// <param name="Stdout">Give the process a stdout pipe.</param>
/// <param name="Stderr">Give the process a stderr pipe (ignored with a terminal).</param>
public sealed record ExecStdio(bool Stdin, bool Stdout, bool Stderr);

/// <summary>One running <c>runc exec</c> that waits for its process, with the daemon's ends of the process's stdio.</summary>
/// <remarks>
/// With a terminal, the runtime's own stdio is the slave of a pseudo-terminal the daemon allocates: the runtime makes
/// the container-side terminal and copies between the two, and resizes it when signalled (SIGWINCH). A console
/// socket would hand the container's terminal straight to the daemon, but runc accepts one only with
/// <c>--detach</c>, and a detached exec's exit code is lost (its process is re-parented away from the daemon).
/// Every descriptor is close-on-exec; the runtime receives only its stdio, through dup2 in the child.
/// </remarks>
public sealed class RuntimeExec : IExecProcess
{
    private const int SigKill = 9;
    private const int SigWinch = 28;

    private readonly ExecProcessFiles _files;
    private readonly PseudoTerminal? _terminal;
    private readonly List<IDisposable> _owned = [];

    private RuntimeExec(ExecProcessFiles files, PseudoTerminal? terminal)
    {
        _files = files;
        _terminal = terminal;
    }

    /// <summary>The runtime process (not the exec'd process, whose pid is in the pid file).</summary>
    public int RuntimePid { get; private set; }

    /// <summary>Completes with the exec'd process's exit code (128 + signal when it was killed).</summary>
    public Task<int> Exited { get; private set; } = Task.FromResult(0);

    /// <summary>Writes go to the process's stdin (the terminal's input with a terminal); dispose to close it.</summary>
    public Stream? Stdin { get; private set; }

    /// <summary>The process's stdout (everything the terminal shows, with a terminal); ends when the process does.</summary>
    public Stream? Stdout { get; private set; }

    /// <summary>The process's stderr; null with a terminal.</summary>
    public Stream? Stderr { get; private set; }

    /// <summary>Starts <c>exec</c> of <paramref name="files"/> in <paramref name="containerId"/>.</summary>
    public static RuntimeExec Start(OciRuntimeHandler runtime, string containerId, ExecProcessFiles files, ExecStdio stdio)
    {
        var executable = runtime.ResolveExecutable() ?? throw new OciRuntimeException($"OCI runtime {runtime.Name} not found at {runtime.Path}");
        var terminal = files.Terminal is { } size ? PseudoTerminal.Open(size.Columns, size.Rows) : null;
        var exec = new RuntimeExec(files, terminal);
        var childEnds = new List<(SafeFileHandle Handle, int ChildFd)>();
        try
        {
            if (terminal is not null)
            {
                exec._owned.Add(terminal);
                childEnds.AddRange([(terminal.Slave, 0), (terminal.Slave, 1), (terminal.Slave, 2)]);
                var master = new FileStream(terminal.Master, FileAccess.ReadWrite, bufferSize: 0);
                exec.Stdin = stdio.Stdin ? master : null;
                exec.Stdout = master;
            }
            else
            {
                exec.Stdin = stdio.Stdin ? exec.Pipe(childEnds, 0, FileAccess.Write) : null;
                exec.Stdout = stdio.Stdout ? exec.Pipe(childEnds, 1, FileAccess.Read) : null;
                exec.Stderr = stdio.Stderr ? exec.Pipe(childEnds, 2, FileAccess.Read) : null;
            }

            exec.RuntimePid = SpawnedProcess.Spawn(executable, [executable, .. files.Arguments(runtime, containerId)], Environment(), childEnds);
            exec.Exited = SpawnedProcess.WaitAsync(exec.RuntimePid);
        }
        catch
        {
            exec.Dispose();
            throw;
        }
        finally
        {
            // The child has its copies; ours would keep the pipes and the terminal open after it exits.
            childEnds.ForEach(c => c.Handle.Dispose());
        }

        return exec;
    }

    /// <summary>Resizes the terminal and tells the runtime, which copies the size to the container's terminal.</summary>
    public void Resize(ushort columns, ushort rows)
    {
        if (_terminal is null || Exited.IsCompleted)
        {
            return;
        }

        _terminal.Resize(columns, rows);
        ProcessKill.Send(RuntimePid, SigWinch);
    }

    /// <summary>Kills the exec'd process (the runtime then exits with it) and waits for the runtime, at most
    /// <paramref name="timeout"/> before killing the runtime too. The process may not have a pid file yet: retry until it has.</summary>
    public async Task KillAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!Exited.IsCompleted && !_files.KillProcess() && !deadline.IsCancellationRequested)
        {
            await Task.WhenAny(Exited, Task.Delay(20, CancellationToken.None));
        }

        if (await Task.WhenAny(Exited, Task.Delay(timeout, CancellationToken.None)) != Exited)
        {
            ProcessKill.Send(RuntimePid, SigKill);
            await Exited;
        }
    }

    public void Dispose()
    {
        Stdin?.Dispose();
        Stdout?.Dispose();
        Stderr?.Dispose();
        _owned.ForEach(o => o.Dispose());
    }

    private static Dictionary<string, string> Environment() => new()
    {
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    };

    private FileStream Pipe(List<(SafeFileHandle, int)> childEnds, int childFd, FileAccess ours)
    {
        var (read, write) = SpawnedProcess.CreatePipe();
        var (mine, theirs) = ours == FileAccess.Read ? (read, write) : (write, read);
        childEnds.Add((theirs, childFd));
        var stream = new FileStream(mine, ours, bufferSize: 0);
        _owned.Add(stream);
        return stream;
    }
}
