using System.Diagnostics;
using Minato.Engine.Errors;
using Minato.Engine.Oci;

namespace Minato.Cri.Containers;

/// <summary>What ExecSync returns: both streams (each capped) and the exit code.</summary>
public sealed record ExecResult(byte[] Stdout, byte[] Stderr, int ExitCode);

/// <summary>An exec ready to run: the container's runtime, its id, and the process spec; dispose to delete the files.</summary>
public sealed record ExecTarget(OciRuntimeHandler Runtime, string ContainerId, ExecProcessFiles Files) : IDisposable
{
    public void Dispose() => Files.Dispose();
}

/// <summary>ExecSync: a command in a running container through the runtime's <c>exec</c>, bounded in time and output.</summary>
public sealed partial class ContainerLifecycle
{
    /// <summary>Each stream is cut here; the rest is read and dropped so the command never blocks on a full pipe.</summary>
    public const int ExecOutputCap = 16 * 1024 * 1024;

    /// <summary>The exit code reported when the command ran out of time (as timeout(1) does).</summary>
    public const int ExecTimeoutExitCode = 124;

    /// <summary>Runs <paramref name="command"/> in the container as its own process (user, env, cwd, capabilities).
    /// A <paramref name="timeout"/> of zero waits forever; on timeout the command is killed and the result says so.</summary>
    public async Task<ExecResult> ExecSyncAsync(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var exec = await PrepareExecAsync(id, command, terminal: null, cancellationToken);
        return await RunExecAsync(exec, timeout, cancellationToken);
    }

    /// <summary>Checks that the container runs and writes the process spec of one exec in it (on a terminal of the given
    /// size, or without one); dispose to delete it.</summary>
    /// <exception cref="NotFoundException">No such container.</exception>
    /// <exception cref="PreconditionException">The container is not running.</exception>
    public async Task<ExecTarget> PrepareExecAsync(string id, IReadOnlyList<string> command, ConsoleSize? terminal, CancellationToken cancellationToken)
    {
        if (command.Count == 0 || command[0].Length == 0)
        {
            throw new InvalidInputException("cmd is required");
        }

        var record = Get(id);
        if (record.Phase != ContainerPhase.Running)
        {
            throw new PreconditionException($"container {record.Id} is not running");
        }

        var handler = Handler(record.RuntimeHandler);
        var files = await ExecProcessFiles.WriteAsync(record.BundleDirectory, record.Id, command, terminal, cancellationToken);
        return new ExecTarget(handler, record.Id, files);
    }

    private static async Task<ExecResult> RunExecAsync(ExecTarget exec, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var handler = exec.Runtime;
        var executable = handler.ResolveExecutable() ?? throw new OciRuntimeException($"OCI runtime {handler.Name} not found at {handler.Path}");
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in exec.Files.Arguments(handler, exec.ContainerId))
        {
            start.ArgumentList.Add(arg);
        }

        using var runtime = Process.Start(start) ?? throw new OciRuntimeException($"cannot start {executable}");
        runtime.StandardInput.Close();
        var stdout = ReadCappedAsync(runtime.StandardOutput.BaseStream);
        var stderr = ReadCappedAsync(runtime.StandardError.BaseStream);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout > TimeSpan.Zero)
        {
            deadline.CancelAfter(timeout);
        }

        try
        {
            await runtime.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // Kill the command inside the container first; the runtime then returns on its own.
            exec.Files.KillProcess();
            if (!runtime.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                runtime.Kill(entireProcessTree: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var message = System.Text.Encoding.UTF8.GetBytes($"command timed out after {timeout.TotalSeconds:0}s and was killed\n");
            return new ExecResult(await stdout, [.. await stderr, .. message], ExecTimeoutExitCode);
        }

        return new ExecResult(await stdout, await stderr, runtime.ExitCode);
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
