namespace Minato.Engine.Network.Bridges;

/// <summary>Where bridge networks keep their files, and the default network and address pool.</summary>
public sealed record BridgeNetworkOptions
{
    /// <summary>Persistent directory: the generated network lists (<c>conf/</c>) and host-local's allocations (<c>ipam/</c>).</summary>
    public required string Root { get; init; }

    /// <summary>Runtime directory: the pinned network namespaces of connected containers (<c>netns/</c>).</summary>
    public required string State { get; init; }

    /// <summary>The network containers join when they name none.</summary>
    public string DefaultName { get; init; } = "bridge";

    /// <summary>The Linux bridge of the default network; not dockerd's docker0, so both daemons can run side by side.</summary>
    public string DefaultBridge { get; init; } = "minato0";

    /// <summary>The default network's subnet; not dockerd's 172.17.0.0/16 nor Podman's 10.88.0.0/16.</summary>
    public string DefaultSubnet { get; init; } = "10.80.0.0/16";

    /// <summary>Where networks created without a subnet get theirs, <see cref="PoolPrefixLength"/> bits at a time.</summary>
    public string Pool { get; init; } = "10.81.0.0/16";

    public int PoolPrefixLength { get; init; } = 24;

    public string ConfigDirectory => Path.Combine(Root, "conf");

    public string IpamDirectory => Path.Combine(Root, "ipam");

    public string NetnsDirectory => Path.Combine(State, "netns");
}
