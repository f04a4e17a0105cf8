using Minato.Engine.Oci;

namespace Minato.Engine.Monitor;

/// <summary>Everything conmon needs to create one container from a prepared bundle.</summary>
/// <param name="Id">Container id (also the runtime's id and the exit file's name).</param>
/// <param name="Name">A readable name for conmon's logs.</param>
/// <param name="BundleDirectory">The OCI bundle (config.json, rootfs) and conmon's files (pidfiles, ctl FIFO, exit).</param>
/// <param name="Runtime">The OCI runtime handler.</param>
/// <param name="LogPath">The CRI log file conmon writes.</param>
/// <param name="Terminal">Allocate a TTY.</param>
/// <param name="Stdin">Keep a stdin pipe for attach.</param>
/// <param name="StdinOnce">Close stdin after the first attach client leaves.</param>
/// <param name="RestoreImagePath">CRIU's images of a checkpoint: the runtime restores the container from them (it is
/// running once the monitor reports) instead of creating it; empty for a create.</param>
public sealed record ContainerLaunch(
    string Id, string Name, string BundleDirectory, OciRuntimeHandler Runtime, string LogPath, bool Terminal, bool Stdin, bool StdinOnce,
    string RestoreImagePath = "")
{
    /// <summary>Where the runtime's restore has CRIU write its log (conmon makes the bundle the work path).</summary>
    public string RestoreLog => Path.Combine(BundleDirectory, "restore.log");

    /// <summary>The container init's pid file, written by the runtime.</summary>
    public string PidFile => Path.Combine(BundleDirectory, "pidfile");

    /// <summary>conmon's own pid file.</summary>
    public string ConmonPidFile => Path.Combine(BundleDirectory, "conmon.pid");

    /// <summary>conmon's control FIFO: "1 h w" resizes the TTY, "2 0 0" reopens the log.</summary>
    public string ControlFifo => Path.Combine(BundleDirectory, "ctl");
}

/// <summary>Where conmon runs from and writes its shared files.</summary>
/// <param name="ConmonPath">The conmon executable.</param>
/// <param name="ExitDirectory">conmon writes each container's exit code here as a file named by the id.</param>
/// <param name="AttachSocketDirectory">conmon's attach sockets (SOCK_SEQPACKET).</param>
/// <param name="SystemdCgroup">Tell the runtime to use the systemd cgroup driver.</param>
public sealed record ConmonOptions(string ConmonPath, string ExitDirectory, string AttachSocketDirectory, bool SystemdCgroup);
