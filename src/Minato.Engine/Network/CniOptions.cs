namespace Minato.Engine.Network;

/// <summary>Where CNI network configurations and plugin binaries are found.</summary>
public sealed record CniOptions
{
    /// <summary>Directory searched for <c>*.conflist</c> files; the first valid one in ordinal order is the pod network.</summary>
    public string ConfigDir { get; init; } = "/etc/cni/net.d";

    /// <summary>Directories searched in order for plugin executables (Debian installs them in /usr/lib/cni).</summary>
    public IReadOnlyList<string> PluginDirs { get; init; } = ["/usr/lib/cni", "/opt/cni/bin"];

    /// <summary>Bound on one plugin run (ADD, CHECK or DEL); a plugin that hangs longer is killed with its children.</summary>
    public TimeSpan PluginTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
