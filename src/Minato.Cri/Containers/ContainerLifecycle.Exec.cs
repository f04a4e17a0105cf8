using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Minato.Engine.Errors;
using Minato.Engine.Oci;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>What ExecSync returns: both streams (each capped) and the exit code.</summary>
public sealed record ExecResult(byte[] Stdout, byte[] Stderr, int ExitCode);

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
        if (command.Count == 0 || command[0].Length == 0)
        {
            throw new InvalidInputException("cmd is required");
        }

        var record = Get(id);
        if (record.Phase != ContainerPhase.Running)
        {
            throw new PreconditionException($"container {record.Id} is not running");
        }

        var spec = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(Path.Combine(record.BundleDirectory, "config.json"), cancellationToken), RuntimeSpecJsonContext.Default.RuntimeSpec)
            ?? throw new PreconditionException($"container {record.Id} has no readable config.json");
        var process = (spec.Process ?? throw new PreconditionException($"container {record.Id} has no process")) with { Args = [.. command], Terminal = null };
        var directory = Path.Combine(record.BundleDirectory, "exec");
        Directory.CreateDirectory(directory);
        var name = Path.Combine(directory, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        await File.WriteAllBytesAsync(name + ".json", JsonSerializer.SerializeToUtf8Bytes(process, RuntimeSpecJsonContext.Default.SpecProcess), cancellationToken);
        try
        {
            return await RunExecAsync(Handler(record.RuntimeHandler), record.Id, name, timeout, cancellationToken);
        }
        finally
        {
            File.Delete(name + ".json");
            File.Delete(name + ".pid");
        }
    }

    private static async Task<ExecResult> RunExecAsync(OciRuntimeHandler handler, string id, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var executable = handler.ResolveExecutable() ?? throw new OciRuntimeException($"OCI runtime {handler.Name} not found at {handler.Path}");
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--root", handler.Root, "exec", "--process", name + ".json", "--pid-file", name + ".pid", id })
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
            KillExecProcess(name + ".pid");
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

    private static void KillExecProcess(string pidFile)
    {
        try
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) && pid > 1)
            {
                Engine.Linux.ProcessKill.Send(pid, SigKill);
            }
        }
        catch (IOException)
        {
            // No pid file: the command never started.
        }
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
