namespace Minato.Engine.Oci;

/// <summary>An OCI runtime (runc, crun) as the engine drives it once the monitor has created a container: every
/// call the engine makes to the runtime, lifecycle and exec alike, goes through this one seam.</summary>
public interface IOciRuntime
{
    /// <summary>The configured handler: its name, binary and state root.</summary>
    OciRuntimeHandler Handler { get; }

    /// <summary>Starts a created container's process.</summary>
    Task StartAsync(string id, CancellationToken cancellationToken);

    /// <summary>Sends <paramref name="signal"/> (a number) to the container's init, or to every process with <paramref name="all"/>.</summary>
    Task KillAsync(string id, int signal, bool all, CancellationToken cancellationToken);

    /// <summary>Deletes the runtime's state for the container; <paramref name="force"/> kills it first if it runs.</summary>
    Task DeleteAsync(string id, bool force, CancellationToken cancellationToken);

    /// <summary>The runtime's view of the container, or null when it does not know it.</summary>
    Task<OciState?> StateAsync(string id, CancellationToken cancellationToken);

    /// <summary>Freezes every process of the running container (its cgroup freezer).</summary>
    Task PauseAsync(string id, CancellationToken cancellationToken);

    /// <summary>Thaws a paused container.</summary>
    Task ResumeAsync(string id, CancellationToken cancellationToken);

    /// <summary>Applies new resources (an OCI LinuxResources JSON document) to a created or running container.</summary>
    Task UpdateAsync(string id, string resourcesJson, CancellationToken cancellationToken);

    /// <summary>Dumps the running container's processes with CRIU into <paramref name="imagePath"/> (CRIU's own log goes
    /// to <paramref name="workPath"/>); the container keeps running with <paramref name="leaveRunning"/>, else it is
    /// stopped. Bounded by <paramref name="timeout"/>.</summary>
    Task CheckpointAsync(string id, string imagePath, string workPath, bool leaveRunning, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Starts the process described by <paramref name="files"/> in the running container and returns at once.</summary>
    IExecProcess Exec(string id, ExecProcessFiles files, ExecStdio stdio);
}

/// <summary>One process started in a container with <see cref="IOciRuntime.Exec"/>, with the daemon's ends of its stdio.</summary>
public interface IExecProcess : IDisposable
{
    /// <summary>Completes with the process's exit code (128 + signal when it was killed).</summary>
    Task<int> Exited { get; }

    /// <summary>Writes go to the process's stdin (the terminal's input with a terminal); null when it has none.</summary>
    Stream? Stdin { get; }

    /// <summary>The process's stdout (everything the terminal shows, with a terminal).</summary>
    Stream? Stdout { get; }

    /// <summary>The process's stderr; null with a terminal.</summary>
    Stream? Stderr { get; }

    /// <summary>Resizes the process's terminal; nothing without one.</summary>
    void Resize(ushort columns, ushort rows);

    /// <summary>Kills the process and waits for the runtime, at most <paramref name="timeout"/> before killing it too.</summary>
    Task KillAsync(TimeSpan timeout);
}

/// <summary>The configured OCI runtimes by handler name.</summary>
public interface IOciRuntimes
{
    /// <summary>The runtime of handler <paramref name="name"/>, or null when none is configured by that name.</summary>
    IOciRuntime? Find(string name);
}

/// <summary>The configured handlers, each driven through its command line.</summary>
public sealed class OciRuntimeClis(IReadOnlyList<OciRuntimeHandler> handlers, TimeSpan timeout) : IOciRuntimes
{
    private readonly Dictionary<string, IOciRuntime> _runtimes =
        handlers.ToDictionary(h => h.Name, IOciRuntime (h) => new OciRuntimeCli(h, timeout), StringComparer.Ordinal);

    public IOciRuntime? Find(string name) => _runtimes.GetValueOrDefault(name);
}
