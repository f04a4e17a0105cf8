using System.Text.Json.Serialization;

namespace Minato.Docker.Networks;

/// <summary>A network as <c>GET /networks</c> and <c>GET /networks/{id}</c> show it (dockerd's NetworkResource).</summary>
public sealed record NetworkResource
{
    public required string Name { get; init; }

    public required string Id { get; init; }

    /// <summary>RFC 3339 with nanoseconds, as dockerd prints it.</summary>
    public required string Created { get; init; }

    public string Scope { get; init; } = "local";

    public required string Driver { get; init; }

    public bool EnableIPv4 { get; init; } = true;

    public bool EnableIPv6 { get; init; }

    public required NetworkIpam IPAM { get; init; }

    public bool Internal { get; init; }

    public bool Attachable { get; init; }

    public bool Ingress { get; init; }

    public NetworkConfigFrom ConfigFrom { get; init; } = new();

    public bool ConfigOnly { get; init; }

    public required IReadOnlyDictionary<string, NetworkContainer> Containers { get; init; }

    public required IReadOnlyDictionary<string, string> Options { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }
}

/// <summary>IPAM of a network: the driver and one entry per address pool.</summary>
public sealed record NetworkIpam
{
    public string Driver { get; init; } = "default";

    public IReadOnlyDictionary<string, string>? Options { get; init; }

    public IReadOnlyList<IpamConfig>? Config { get; init; }
}

/// <summary>One address pool.</summary>
public sealed record IpamConfig
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subnet { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IPRange { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Gateway { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? AuxiliaryAddresses { get; init; }
}

/// <summary>ConfigFrom: always empty here (no config-only networks).</summary>
public sealed record NetworkConfigFrom
{
    public string Network { get; init; } = "";
}

/// <summary>A container attached to the network, in inspect's <c>Containers</c> map.</summary>
public sealed record NetworkContainer
{
    public required string Name { get; init; }

    public required string EndpointID { get; init; }

    public required string MacAddress { get; init; }

    public required string IPv4Address { get; init; }

    public string IPv6Address { get; init; } = "";
}

/// <summary>The body of <c>POST /networks/create</c>.</summary>
public sealed record NetworkCreateRequest
{
    public string? Name { get; init; }

    public bool CheckDuplicate { get; init; }

    public string? Driver { get; init; }

    public string? Scope { get; init; }

    public bool Internal { get; init; }

    public bool Attachable { get; init; }

    public bool Ingress { get; init; }

    public bool ConfigOnly { get; init; }

    public bool? EnableIPv6 { get; init; }

    public NetworkIpam? IPAM { get; init; }

    public Dictionary<string, string>? Options { get; init; }

    public Dictionary<string, string>? Labels { get; init; }
}

/// <summary>The answer of <c>POST /networks/create</c>.</summary>
public sealed record NetworkCreateResponse(string Id, string Warning);

/// <summary>The answer of <c>POST /networks/prune</c>: the names of the removed networks.</summary>
public sealed record NetworkPruneResponse(IReadOnlyList<string>? NetworksDeleted);

/// <summary>Source-generated JSON for the network shapes.</summary>
[JsonSerializable(typeof(NetworkResource))]
[JsonSerializable(typeof(List<NetworkResource>))]
[JsonSerializable(typeof(NetworkCreateRequest))]
[JsonSerializable(typeof(NetworkCreateResponse))]
[JsonSerializable(typeof(NetworkPruneResponse))]
public sealed partial class NetworkJson : JsonSerializerContext;
