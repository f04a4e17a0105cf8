using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Engine.Errors;
using Minato.Engine.Network.Bridges;

namespace Minato.Docker.Networks;

/// <summary><c>POST /networks/create</c>: user-defined bridge networks, with dockerd's checks and answers.</summary>
public sealed partial class NetworkRoutes
{
    /// <summary>The option that names the Linux bridge, as dockerd's bridge driver reads it.</summary>
    public const string BridgeNameOption = "com.docker.network.bridge.name";

    /// <summary>Drivers dockerd has built in but this daemon does not serve (unknown ones are plugins: 404).</summary>
    private static readonly string[] KnownDrivers = ["overlay", "macvlan", "ipvlan"];

    private async Task CreateAsync(DockerRequest request)
    {
        var body = await request.ReadJsonAsync(NetworkJson.Default.NetworkCreateRequest, new NetworkCreateRequest());
        var name = body.Name ?? "";
        if (name.Length == 0)
        {
            throw DockerApiException.BadRequest("network name must not be empty: give Name");
        }

        CheckDriver(body.Driver ?? "");
        if (body.EnableIPv6 == true)
        {
            throw DockerApiException.BadRequest("EnableIPv6: IPv6 networks are not supported by this daemon");
        }

        if (body.Ingress || body.ConfigOnly || body.Scope is { Length: > 0 } and not "local")
        {
            throw DockerApiException.BadRequest("Ingress, ConfigOnly and swarm scope are not supported by this daemon");
        }

        if (body.IPAM?.Driver is { Length: > 0 } ipamDriver && ipamDriver != "default")
        {
            throw DockerApiException.NotFound($"plugin \"{ipamDriver}\" not found");
        }

        var pools = body.IPAM?.Config ?? [];
        if (pools.Any(p => (p.Subnet ?? "").Contains(':', StringComparison.Ordinal)))
        {
            throw DockerApiException.BadRequest("IPAM.Config: IPv6 subnets are not supported by this daemon");
        }

        if (pools.Count > 1)
        {
            throw DockerApiException.BadRequest("IPAM.Config: only one IPv4 pool per network is supported");
        }

        if (All().Any(n => n.Name == name))
        {
            // dockerd refuses duplicates whatever CheckDuplicate says since API 1.44.
            throw DockerApiException.Conflict($"network with name {name} already exists");
        }

        var pool = pools.Count == 1 ? pools[0] : new IpamConfig();
        if (string.IsNullOrEmpty(pool.Subnet) && (!string.IsNullOrEmpty(pool.Gateway) || !string.IsNullOrEmpty(pool.IPRange)))
        {
            throw DockerApiException.BadRequest("IPAM.Config: a Gateway or IPRange needs a Subnet");
        }

        var options = body.Options ?? [];
        var spec = new BridgeNetworkSpec
        {
            Name = name,
            Subnet = pool.Subnet ?? "",
            Gateway = pool.Gateway ?? "",
            IPRange = pool.IPRange ?? "",
            BridgeName = options.GetValueOrDefault(BridgeNameOption, ""),
            Internal = body.Internal,
            Attachable = body.Attachable,
            Labels = body.Labels ?? [],
            Options = options,
        };
        BridgeNetwork network;
        try
        {
            network = await bridges.CreateAsync(spec, request.Aborted);
        }
        catch (PreconditionException e)
        {
            // dockerd: overlapping or exhausted pools are 403 Forbidden.
            throw new DockerApiException(StatusCodes.Status403Forbidden, e.Message, e);
        }

        await request.WriteJsonAsync(new NetworkCreateResponse(network.Id, ""), NetworkJson.Default.NetworkCreateResponse, StatusCodes.Status201Created);
    }

    private static void CheckDriver(string driver)
    {
        switch (driver)
        {
            case "" or "bridge":
                return;
            case "host" or "null":
                throw new DockerApiException(StatusCodes.Status403Forbidden, $"only one instance of \"{driver}\" network is allowed");
            case var known when KnownDrivers.Contains(known):
                throw DockerApiException.BadRequest($"driver \"{known}\" is not supported by this daemon; use bridge");
            default:
                throw DockerApiException.NotFound($"plugin \"{driver}\" not found");
        }
    }
}
