namespace Minato.Engine.Monitor;

/// <summary>The per-container monitor (conmon): it creates the container through the OCI runtime, then holds its stdio,
/// writes its log and its exit file, and outlives the daemon.</summary>
public interface IContainerMonitor
{
    /// <summary>Where the monitor writes each container's exit code, in a file named by the container's id.</summary>
    string ExitDirectory { get; }

    /// <summary>Creates the container (not started) and returns its init's host pid; with
    /// <see cref="ContainerLaunch.RestoreImagePath"/> it restores it from a checkpoint instead, running.</summary>
    /// <exception cref="Oci.OciRuntimeException">The runtime refused to create (or restore) it; the message is the runtime's.</exception>
    Task<int> CreateAsync(ContainerLaunch launch, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>True while the monitor of the container in <paramref name="bundleDirectory"/> runs.</summary>
    bool IsAlive(string bundleDirectory);

    /// <summary>Asks the monitor to reopen the container's log file; returns once it took the request.</summary>
    /// <exception cref="TimeoutException">The monitor did not take it within <paramref name="timeout"/>.</exception>
    Task ReopenLogAsync(string bundleDirectory, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>The monitor's attach socket of container <paramref name="containerId"/>.</summary>
    string AttachSocketPath(string containerId);

    /// <summary>What the monitor leaves for container <paramref name="containerId"/> outside its bundle (the attach socket
    /// directory and the exit file); removing them is part of removing the container.</summary>
    void Forget(string containerId);
}
