using Minato.Engine.Errors;
using Minato.Engine.Oci;
using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Containers;

/// <summary>What a bounded exec returns: both streams (each capped) and the exit code.</summary>
public sealed record ExecResult(byte[] Stdout, byte[] Stderr, int ExitCode);

/// <summary>An exec ready to start: the container's runtime, its id and the process spec; dispose to delete the files.</summary>
public sealed record ExecTarget(IOciRuntime Runtime, string ContainerId, ExecProcessFiles Files) : IDisposable
{
    /// <summary>The terminal's initial size, or null without a terminal.</summary>
    public ConsoleSize? Terminal => Files.Terminal;

    /// <summary>Starts the process with the given stdio and returns at once.</summary>
    public IExecProcess Start(ExecStdio stdio) => Runtime.Exec(ContainerId, Files, stdio);

    public void Dispose() => Files.Dispose();
}

/// <summary>Attaching to a running container's stdio through its monitor.</summary>
/// <param name="ContainerId">The container.</param>
/// <param name="SocketPath">The monitor's attach socket.</param>
/// <param name="ControlFifo">The monitor's control FIFO (terminal resizes).</param>
/// <param name="Tty">The container's stdio is a terminal.</param>
/// <param name="Stdin">The container has a stdin to write to.</param>
public sealed record AttachTarget(string ContainerId, string SocketPath, string ControlFifo, bool Tty, bool Stdin);

/// <summary>Processes in running containers: bounded execs, prepared execs for streaming, attach.</summary>
public sealed partial class ContainerService
{
    /// <summary>Each stream is cut here; the rest is read and dropped so the command never blocks on a full pipe.</summary>
    public const int ExecOutputCap = 16 * 1024 * 1024;

    /// <summary>The exit code reported when the command ran out of time (as timeout(1) does).</summary>
    public const int ExecTimeoutExitCode = 124;

    private static readonly TimeSpan ExecKillTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="command"/> in the container as its own process (user, env, cwd, capabilities), with
    /// stdin at end of file. A <paramref name="timeout"/> of zero waits forever; on timeout the command is killed and
    /// the result says so.</summary>
    public async Task<ExecResult> ExecSyncAsync(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var exec = await PrepareExecAsync(id, command, terminal: null, cancellationToken);
        using var process = exec.Start(new ExecStdio(Stdin: false, Stdout: true, Stderr: true));
        var stdout = ReadCappedAsync(process.Stdout!);
        var stderr = ReadCappedAsync(process.Stderr!);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout > TimeSpan.Zero)
        {
            deadline.CancelAfter(timeout);
        }

        int code;
        try
        {
            code = await process.Exited.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // Kill the command inside the container first; the runtime then returns on its own.
            await process.KillAsync(ExecKillTimeout);
            cancellationToken.ThrowIfCancellationRequested();
            var message = System.Text.Encoding.UTF8.GetBytes($"command timed out after {timeout.TotalSeconds:0}s and was killed\n");
            return new ExecResult(await stdout, [.. await stderr, .. message], ExecTimeoutExitCode);
        }

        return new ExecResult(await stdout, await stderr, code);
    }

    /// <summary>Checks that the container runs and writes the process spec of one exec in it (on a terminal of the given
    /// size, or without one); dispose to delete it.</summary>
    /// <exception cref="InvalidInputException">No command.</exception>
    /// <exception cref="NotFoundException">No such container.</exception>
    /// <exception cref="PreconditionException">The container is not running.</exception>
    /// <param name="id">The container.</param>
    /// <param name="command">The command and its arguments.</param>
    /// <param name="terminal">The terminal's size, or null without a terminal.</param>
    /// <param name="cancellationToken">Cancels writing the spec.</param>
    /// <param name="change">Changes the container's process spec for this exec (the front door's user, working directory or
    /// environment), given it and the container's rootfs on the host; its exceptions go to the caller.</param>
    public async Task<ExecTarget> PrepareExecAsync(
        string id, IReadOnlyList<string> command, ConsoleSize? terminal, CancellationToken cancellationToken, Func<SpecProcess, string, SpecProcess>? change = null)
    {
        if (command.Count == 0 || command[0].Length == 0)
        {
            throw new InvalidInputException("cmd is required");
        }

        var record = Running(id);
        var runtime = Runtime(record.RuntimeHandler);
        var files = await ExecProcessFiles.WriteAsync(record.BundleDirectory, record.Id, command, terminal, cancellationToken, change);
        return new ExecTarget(runtime, record.Id, files);
    }

    /// <summary>Where to attach to the running container's stdio; with <paramref name="beforeStart"/> a created container
    /// is attachable too (its monitor already holds its stdio), so a client sees its output from the first byte.</summary>
    /// <exception cref="NotFoundException">No such container.</exception>
    /// <exception cref="PreconditionException">The container is not running (nor created, with <paramref name="beforeStart"/>).</exception>
    public AttachTarget Attach(string id, bool beforeStart = false)
    {
        var record = beforeStart && Get(id) is { Phase: ContainerPhase.Created, CheckpointImages.Length: 0 } created ? created : Running(id);
        return new AttachTarget(record.Id, monitor.AttachSocketPath(record.Id), Path.Combine(record.BundleDirectory, "ctl"), record.Tty, record.Stdin);
    }

    /// <summary>The container, which must be running.</summary>
    /// <exception cref="NotFoundException">No such container.</exception>
    /// <exception cref="PreconditionException">The container is not running.</exception>
    public ContainerRecord Running(string id)
    {
        var record = Get(id);
        return record.Phase == ContainerPhase.Running ? record : throw new PreconditionException($"container {record.Id} is not running");
    }

    private static async Task<byte[]> ReadCappedAsync(Stream stream)
    {
        using var kept = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            var room = ExecOutputCap - (int)kept.Length;
            if (room > 0)
            {
                kept.Write(buffer, 0, Math.Min(room, read));
            }
        }

        return kept.ToArray();
    }
}
