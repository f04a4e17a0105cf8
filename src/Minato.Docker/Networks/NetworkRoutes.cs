using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Engine.Network.Bridges;

namespace Minato.Docker.Networks;

/// <summary>
/// <c>/networks/...</c>: list, inspect, create, remove and prune, over the engine's bridge networks plus the predefined
/// <c>host</c> and <c>none</c> that dockerd lists beside its default <c>bridge</c>.
/// </summary>
public sealed partial class NetworkRoutes(BridgeNetworks bridges) : IDockerRoutes
{
    /// <summary>Largest create body read; a create request is a few hundred bytes.</summary>
    public const long MaxCreateBody = 1024 * 1024;

    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Get, "/networks", ListAsync, 0),
        new(HttpMethods.Post, "/networks/create", CreateAsync, MaxCreateBody),
        new(HttpMethods.Post, "/networks/prune", PruneAsync, 0),
        new(HttpMethods.Get, "/networks/{id}", InspectAsync, 0),
        new(HttpMethods.Delete, "/networks/{id}", RemoveAsync, 0),
    ];

    /// <summary>Every network as Docker lists it: the bridge networks, then <c>host</c> and <c>none</c>.</summary>
    private List<DockerNetwork> All()
    {
        var list = bridges.All.Select(b => new DockerNetwork(b.Id, b.Name, "bridge", b.Created, b)).ToList();
        var created = list.FirstOrDefault(n => n.Bridge?.IsDefault == true)?.Created ?? DateTimeOffset.UnixEpoch;
        list.Add(new DockerNetwork(PredefinedId("host"), "host", "host", created, null));
        list.Add(new DockerNetwork(PredefinedId("none"), "none", "null", created, null));
        return list;
    }

    /// <summary>The network <paramref name="nameOrId"/> names: full id, name, then unique id prefix.</summary>
    /// <exception cref="DockerApiException">404 <c>network X not found</c>, as dockerd.</exception>
    private DockerNetwork Resolve(string nameOrId)
    {
        var all = All();
        var found = all.FirstOrDefault(n => n.Id == nameOrId) ?? all.FirstOrDefault(n => n.Name == nameOrId);
        if (found is null && nameOrId.Length > 0)
        {
            var prefixed = all.Where(n => n.Id.StartsWith(nameOrId, StringComparison.Ordinal)).Take(2).ToList();
            found = prefixed.Count == 1 ? prefixed[0] : null;
        }

        return found ?? throw DockerApiException.NotFound($"network {nameOrId} not found");
    }

    /// <summary>A stable id for a predefined network, distinct per daemon (derived from its default network's id).</summary>
    private string PredefinedId(string name)
    {
        var seed = bridges.All.FirstOrDefault(b => b.IsDefault)?.Id ?? "";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"minato predefined network {name} {seed}")));
    }

    private NetworkResource Shape(DockerNetwork network, bool withContainers)
    {
        var containers = new Dictionary<string, NetworkContainer>(StringComparer.Ordinal);
        if (withContainers && network.Bridge is not null)
        {
            foreach (var endpoint in bridges.EndpointsOn(network.Id).Where(e => e.Phase == EndpointPhase.Attached))
            {
                containers[endpoint.ContainerId] = new NetworkContainer
                {
                    Name = endpoint.Name,
                    EndpointID = endpoint.Id,
                    MacAddress = endpoint.MacAddress,
                    IPv4Address = $"{endpoint.Address}/{endpoint.PrefixLength}",
                };
            }
        }

        return new NetworkResource
        {
            Name = network.Name,
            Id = network.Id,
            Created = network.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            Driver = network.Driver,
            IPAM = new NetworkIpam { Options = network.Bridge is null ? null : new Dictionary<string, string>(), Config = IpamOf(network.Bridge) },
            Internal = network.Bridge?.Internal ?? false,
            Attachable = network.Bridge?.Attachable ?? false,
            Containers = containers,
            Options = OptionsOf(network.Bridge),
            Labels = network.Bridge?.Labels ?? new Dictionary<string, string>(),
        };
    }

    private static List<IpamConfig> IpamOf(BridgeNetwork? bridge) => bridge is null
        ? []
        : [new IpamConfig { Subnet = bridge.Subnet, Gateway = bridge.Gateway, IPRange = bridge.IPRange.Length > 0 ? bridge.IPRange : null }];

    private static Dictionary<string, string> OptionsOf(BridgeNetwork? bridge)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        if (bridge is null)
        {
            return options;
        }

        foreach (var (key, value) in bridge.Options)
        {
            options[key] = value;
        }

        options["com.docker.network.bridge.name"] = bridge.BridgeName;
        if (bridge.IsDefault)
        {
            options["com.docker.network.bridge.default_bridge"] = "true";
            options["com.docker.network.bridge.enable_ip_masquerade"] = "true";
            options["com.docker.network.bridge.enable_icc"] = "true";
        }

        return options;
    }

    /// <summary>A network as the Docker door sees it: a bridge network of the engine, or the predefined host or none.</summary>
    private sealed record DockerNetwork(string Id, string Name, string Driver, DateTimeOffset Created, BridgeNetwork? Bridge)
    {
        public bool IsPredefined => Bridge?.IsDefault ?? true;
    }
}
