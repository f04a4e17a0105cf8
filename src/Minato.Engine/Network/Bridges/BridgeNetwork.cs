using System.Text.Json.Serialization;

namespace Minato.Engine.Network.Bridges;

/// <summary>A bridge network Minato realises as a CNI network list of its own (bridge + host-local + portmap + firewall).</summary>
public sealed record BridgeNetwork
{
    /// <summary>64 hex digits.</summary>
    public required string Id { get; init; }

    /// <summary>Unique among networks.</summary>
    public required string Name { get; init; }

    /// <summary>The Linux bridge the CNI bridge plugin creates.</summary>
    public required string BridgeName { get; init; }

    /// <summary>The IPv4 subnet in CIDR form.</summary>
    public required string Subnet { get; init; }

    public required string Gateway { get; init; }

    /// <summary>A CIDR within <see cref="Subnet"/> addresses are allocated from; empty for the whole subnet.</summary>
    public string IPRange { get; init; } = "";

    /// <summary>No route out and no masquerading: containers reach each other and nothing else.</summary>
    public bool Internal { get; init; }

    public bool Attachable { get; init; }

    /// <summary>The network every container without another choice joins; it cannot be removed.</summary>
    public bool IsDefault { get; init; }

    /// <summary>Containers on the network find each other by name and alias (user networks; not the default one).</summary>
    public bool ResolvesNames { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Driver options as the caller gave them.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    public required DateTimeOffset Created { get; init; }

    /// <summary>The CNI network name: host-local's data directory and the plugins' chain names derive from it.</summary>
    [JsonIgnore]
    public string CniName => "minato-" + Id[..16];
}

/// <summary>How far connecting an endpoint got; an endpoint is recorded before the CNI ADD so a killed daemon can DEL it.</summary>
public enum EndpointPhase
{
    /// <summary>Recorded; the CNI ADD may or may not have run.</summary>
    Adding,

    /// <summary>The ADD succeeded; the address and MAC are known.</summary>
    Attached,
}

/// <summary>A port published on the host through portmap; once recorded, a requested host port 0 is the port picked.</summary>
public sealed record HostPortMapping(int ContainerPort, string Protocol, string HostIp, int HostPort);

/// <summary>A container's interface on one bridge network, as recorded for DEL and for name resolution.</summary>
public sealed record NetworkEndpoint
{
    public required string Id { get; init; }

    public required string ContainerId { get; init; }

    public required string NetworkId { get; init; }

    /// <summary>eth0, eth1, ... inside the container.</summary>
    public required string InterfaceName { get; init; }

    /// <summary>Where the container's network namespace is pinned while it is connected.</summary>
    public required string NetnsPin { get; init; }

    public required EndpointPhase Phase { get; init; }

    /// <summary>The container's name (resolvable on networks that resolve names).</summary>
    public required string Name { get; init; }

    public required string Hostname { get; init; }

    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The host file bound at the container's /etc/hosts; rewritten in place.</summary>
    public string HostsFile { get; init; } = "";

    /// <summary>Published ports (on the first endpoint of a container only).</summary>
    public IReadOnlyList<HostPortMapping> Ports { get; init; } = [];

    /// <summary>The address asked for; empty for the next free one.</summary>
    public string RequestedAddress { get; init; } = "";

    public string Address { get; init; } = "";

    public int PrefixLength { get; init; }

    public string Gateway { get; init; } = "";

    public string MacAddress { get; init; } = "";

    /// <summary>The <see cref="BridgeConflist"/> shape the endpoint was added with (0 in records older than shapes).</summary>
    public int ListShape { get; init; }

    /// <summary>The raw CNI ADD result, passed back as prevResult on DEL.</summary>
    public string CniResult { get; init; } = "";
}

/// <summary>Source-generated JSON for the network documents.</summary>
[JsonSerializable(typeof(BridgeNetwork))]
[JsonSerializable(typeof(NetworkEndpoint))]
internal sealed partial class BridgeJsonContext : JsonSerializerContext;
