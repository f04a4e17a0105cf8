using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Oci;

/// <summary>A terminal size in character cells.</summary>
public readonly record struct ConsoleSize(ushort Columns, ushort Rows);

/// <summary>The files of one <c>exec</c>: the process spec given to the runtime and the pid file it writes back.</summary>
/// <remarks>
/// The process is the container's own (user, env, cwd, capabilities, rlimits) with new args, so an exec runs as
/// the container does. Both files live in the bundle's <c>exec</c> directory and are deleted on dispose.
/// </remarks>
public sealed class ExecProcessFiles : IDisposable
{
    private const int SigKill = 9;

    private ExecProcessFiles(string name, ConsoleSize? terminal)
    {
        ProcessFile = name + ".json";
        PidFile = name + ".pid";
        Terminal = terminal;
    }

    /// <summary>The terminal's initial size, or null when the exec runs without a terminal.</summary>
    public ConsoleSize? Terminal { get; }

    /// <summary>The process spec (<c>runc exec --process</c>).</summary>
    public string ProcessFile { get; }

    /// <summary>Where the runtime writes the exec'd process's host pid (<c>--pid-file</c>).</summary>
    public string PidFile { get; }

    /// <summary>Writes the process spec for <paramref name="args"/> from the bundle's config.json.</summary>
    /// <param name="bundleDirectory">The container's OCI bundle.</param>
    /// <param name="containerId">For messages.</param>
    /// <param name="args">The command and its arguments.</param>
    /// <param name="terminal">Run on a terminal of this size; TERM is then set to xterm unless the container sets it.</param>
    /// <param name="cancellationToken">Cancels the reads and writes.</param>
    /// <param name="change">Changes the process a front door asks for (user, working directory, environment), given the
    /// process as the container runs it and the container's rootfs on the host; null for none.</param>
    /// <exception cref="PreconditionException">The bundle has no usable config.json.</exception>
    public static async Task<ExecProcessFiles> WriteAsync(
        string bundleDirectory, string containerId, IReadOnlyList<string> args, ConsoleSize? terminal, CancellationToken cancellationToken,
        Func<SpecProcess, string, SpecProcess>? change = null)
    {
        RuntimeSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(Path.Combine(bundleDirectory, "config.json"), cancellationToken), RuntimeSpecJsonContext.Default.RuntimeSpec);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            throw new PreconditionException($"container {containerId} has no readable config.json", e);
        }

        var process = (spec?.Process ?? throw new PreconditionException($"container {containerId} has no process")) with
        {
            Args = [.. args],
            Terminal = terminal is null ? null : true,
            ConsoleSize = terminal is { } size ? new SpecConsoleSize(size.Rows, size.Columns) : null,
        };
        if (change is not null)
        {
            process = change(process, Path.Combine(bundleDirectory, spec.Root.Path));
        }

        if (terminal is not null && !(process.Env ?? []).Any(e => e.StartsWith("TERM=", StringComparison.Ordinal)))
        {
            process = process with { Env = [.. process.Env ?? [], "TERM=xterm"] };
        }

        var directory = Path.Combine(bundleDirectory, "exec");
        Directory.CreateDirectory(directory);
        var files = new ExecProcessFiles(Path.Combine(directory, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))), terminal);
        await File.WriteAllBytesAsync(files.ProcessFile, JsonSerializer.SerializeToUtf8Bytes(process, RuntimeSpecJsonContext.Default.SpecProcess), cancellationToken);
        return files;
    }

    /// <summary>The runtime command line that runs this exec in <paramref name="containerId"/> and waits for it.</summary>
    public IReadOnlyList<string> Arguments(OciRuntimeHandler runtime, string containerId) =>
        ["--root", runtime.Root, "exec", "--process", ProcessFile, "--pid-file", PidFile, containerId];

    /// <summary>SIGKILLs the exec'd process; false while the runtime has not written its pid yet (or it is gone).</summary>
    public bool KillProcess()
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1
                && Linux.ProcessKill.Send(pid, SigKill);
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        File.Delete(ProcessFile);
        File.Delete(PidFile);
    }
}
