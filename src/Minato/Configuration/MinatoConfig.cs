using Microsoft.Extensions.Logging;
using Minato.Engine.Containers;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Network;
using Minato.Engine.Oci;

namespace Minato.Configuration;

/// <summary>The daemon's effective configuration: defaults, then <c>minato.toml</c>, then command-line flags.</summary>
public sealed record MinatoConfig
{
    /// <summary>Where the configuration file is looked for when <c>--config</c> is not given.</summary>
    public const string DefaultPath = "/etc/minato/minato.toml";

    /// <summary>The CRI endpoint, <c>unix:///absolute/path</c>.</summary>
    public string Listen { get; init; } = "unix:///run/minato/minato.sock";

    /// <summary>Persistent data: metadata database, content store, snapshots.</summary>
    public string Root { get; init; } = "/var/lib/minato";

    /// <summary>Runtime state on tmpfs: bundles, pinned namespaces, exit files, runtime roots, sockets.</summary>
    public string State { get; init; } = "/run/minato";

    /// <summary>Lowest level written to the daemon log.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Log line format: <c>text</c> or <c>json</c>.</summary>
    public string LogFormat { get; init; } = "text";

    /// <summary>Cgroup driver reported to the kubelet and used for container cgroups.</summary>
    public CgroupDriver CgroupDriver { get; init; } = CgroupDriver.Cgroupfs;

    /// <summary>CNI configuration and plugin directories.</summary>
    public CniOptions Cni { get; init; } = new();

    /// <summary>
    /// A CNI network list template rendered with the pod CIDRs the kubelet sends in UpdateRuntimeConfig (containerd's
    /// <c>conf_template</c>); empty (the default) leaves the CNI configuration to other components.
    /// </summary>
    public string CniConfigTemplate { get; init; } = "";

    /// <summary>The handler used when a pod names none.</summary>
    public string DefaultRuntime { get; init; } = "runc";

    /// <summary>Configured OCI runtime paths by handler name; roots derive from <see cref="State"/>.</summary>
    public IReadOnlyDictionary<string, string> RuntimePaths { get; init; } =
        new SortedDictionary<string, string>(StringComparer.Ordinal) { ["crun"] = "crun", ["runc"] = "runc" };

    /// <summary>How long in-flight calls may take to finish after SIGTERM.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Registries, credentials, sandbox image and pull limits.</summary>
    public ImageSettings Images { get; init; } = new();

    /// <summary>The streaming server that Exec, Attach and PortForward URLs point to.</summary>
    public Streaming.StreamingOptions Streaming { get; init; } = new();

    /// <summary>The Docker Engine API listener (<c>[docker_api]</c>); off unless <c>listen</c> is set.</summary>
    public DockerApiSettings DockerApi { get; init; } = new();

    /// <summary>
    /// The Prometheus endpoint (<c>[metrics] address</c>), <c>ip:port</c> serving <c>/metrics</c> over plain HTTP; empty
    /// (the default) serves none.
    /// </summary>
    public string MetricsAddress { get; init; } = "";

    /// <summary>Garbage collection (<c>[gc]</c>): the schedule and the optional image policy.</summary>
    public GcSettings Gc { get; init; } = new();

    /// <summary>Directory Localhost seccomp profiles must lie in; empty (the default) accepts any absolute path.</summary>
    public string SeccompProfileRoot { get; init; } = "";

    /// <summary>CDI spec directories, lowest priority first (<c>/etc/cdi</c>, then <c>/var/run/cdi</c>).</summary>
    public IReadOnlyList<string> CdiSpecDirs { get; init; } = Engine.Devices.Cdi.CdiOptions.DefaultSpecDirectories;

    /// <summary>
    /// Most objects in one message of a Stream* list RPC, at most <see cref="MaxListStreamChunkSize"/>.
    /// </summary>
    /// <remarks>
    /// The bound keeps every message below gRPC's 16 MiB limit: the API server lets an object carry at most 256 KiB of
    /// annotations, so a Container, PodSandbox or their stats is under about 300 KiB and 50 of them under 15 MiB; a
    /// typical one is 1 to 2 KiB, so a message is some 100 KiB and the daemon holds one at a time.
    /// </remarks>
    public int ListStreamChunkSize { get; init; } = MaxListStreamChunkSize;

    /// <summary>The largest <see cref="ListStreamChunkSize"/>; see its remarks for why.</summary>
    public const int MaxListStreamChunkSize = 50;

    /// <summary>The conmon executable; empty (the default) finds <c>conmon</c> on PATH, else <c>/usr/bin/conmon</c>.</summary>
    public string Conmon { get; init; } = "";

    /// <summary>Bound on each OCI runtime command (create, start, exec set-up, kill, delete) and on conmon's report.</summary>
    public TimeSpan RuntimeTimeout { get; init; } = new ContainerServiceOptions("/", "/").RuntimeTimeout;

    /// <summary>The file the values came from, or null when only defaults and flags apply.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Path of the Unix socket named by <see cref="Listen"/>.</summary>
    public string SocketPath => Listen["unix://".Length..];

    /// <summary>The metadata database file.</summary>
    public string DatabasePath => Path.Combine(Root, "minato.db");

    /// <summary>The OCI runtime handlers, each with a <c>--root</c> under the state directory.</summary>
    public IReadOnlyList<OciRuntimeHandler> RuntimeHandlers =>
        RuntimePaths.Select(p => new OciRuntimeHandler(p.Key, p.Value, Path.Combine(State, "runtimes", p.Key))).ToList();
}
