namespace Minato.Engine.Containers;

/// <summary>Where the container service keeps containers and how long it waits for the runtime and the monitor.</summary>
/// <param name="StateDirectory">The volatile state root; bundles live in <c>containers/&lt;id&gt;</c> below it.</param>
/// <param name="RootDirectory">The persistent root; writable layers live in <c>containers/&lt;id&gt;</c> below it.</param>
public sealed record ContainerServiceOptions(string StateDirectory, string RootDirectory)
{
    /// <summary>Bound on each runtime command and on the monitor's report.</summary>
    public TimeSpan RuntimeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often live containers' monitors are checked for having died without writing an exit.</summary>
    public TimeSpan MonitorCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for the exit after SIGKILL before giving up.</summary>
    public TimeSpan KillTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long ReopenLog waits, after the monitor took the request, for the new log file to appear.</summary>
    public TimeSpan LogReopenTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public string BundleDirectory(string id) => Path.Combine(StateDirectory, "containers", id);

    public string LayerDirectory(string id) => Path.Combine(RootDirectory, "containers", id);

    /// <summary>Where checkpoint archives are unpacked before a container takes them over; emptied at start-up. Under
    /// the persistent root, not the state root: CRIU's images hold the whole memory of the checkpointed processes,
    /// and the state root is usually a tmpfs.</summary>
    public string CheckpointStagingDirectory => Path.Combine(RootDirectory, "checkpoints");
}
