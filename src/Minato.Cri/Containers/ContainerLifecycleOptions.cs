using Minato.Engine.Monitor;
using Minato.Engine.Oci;

namespace Minato.Cri.Containers;

/// <summary>What the container lifecycle needs from the daemon's configuration.</summary>
/// <param name="StateDirectory">The volatile state root; bundles live in <c>containers/&lt;id&gt;</c> below it.</param>
/// <param name="RootDirectory">The persistent root; writable layers live in <c>containers/&lt;id&gt;</c> below it.</param>
/// <param name="Handlers">The configured OCI runtime handlers.</param>
/// <param name="Conmon">Where conmon runs from and writes exit files and attach sockets.</param>
public sealed record ContainerLifecycleOptions(string StateDirectory, string RootDirectory, IReadOnlyList<OciRuntimeHandler> Handlers, ConmonOptions Conmon)
{
    /// <summary>Bound on each runtime command and on conmon's report.</summary>
    public TimeSpan RuntimeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the exit after SIGKILL before giving up.</summary>
    public TimeSpan KillTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public string BundleDirectory(string id) => Path.Combine(StateDirectory, "containers", id);

    public string LayerDirectory(string id) => Path.Combine(RootDirectory, "containers", id);

    public string ExitFile(string id) => Path.Combine(Conmon.ExitDirectory, id);
}
