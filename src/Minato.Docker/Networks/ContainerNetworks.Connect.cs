using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Engine.Errors;
using Minato.Engine.Network;
using Minato.Engine.Network.Bridges;

namespace Minato.Docker.Networks;

/// <summary><c>docker network connect/disconnect</c>: the checks dockerd makes, and the live change for a running container.</summary>
public sealed partial class ContainerNetworks
{
    /// <summary>dockerd's answer when a container on the host's network would be connected or disconnected.</summary>
    public const string HostNetworkConflict = "container cannot be disconnected from host network or connected to host network";

    /// <summary>dockerd's answer for a container sharing another's namespace (<c>container:</c>).</summary>
    public const string SharedNetworkConflict = "container sharing network namespace with another container or host cannot be connected to any other network";

    /// <summary>dockerd's answer for a container in mode <c>none</c>.</summary>
    public const string NoNetworkConflict = "container cannot be connected to multiple networks with one of the networks in private (none) mode";

    /// <summary>The address <c>host-gateway</c> stands for in ExtraHosts: the default bridge's gateway, as dockerd (empty
    /// when there is no default bridge).</summary>
    public string HostGateway() => bridges.All.FirstOrDefault(b => b.IsDefault)?.Gateway ?? "";

    /// <summary>The bridge network <paramref name="nameOrId"/> names, for connect and disconnect.</summary>
    /// <exception cref="DockerApiException">404 <c>network X not found</c>; 400 for <c>host</c> and <c>none</c>, which take no
    /// container after its creation.</exception>
    public BridgeNetwork ConnectTarget(string nameOrId)
    {
        ArgumentNullException.ThrowIfNull(nameOrId);
        return nameOrId switch
        {
            "host" => throw DockerApiException.BadRequest(HostNetworkConflict),
            "none" => throw DockerApiException.BadRequest(NoNetworkConflict),
            _ => bridges.Find(NormalMode(nameOrId)) ?? throw DockerApiException.NotFound($"network {nameOrId} not found"),
        };
    }

    /// <summary>The network of a request's mode, or null for <c>none</c>, <c>host</c> and <c>container:</c>.</summary>
    public BridgeNetwork? ModeNetwork(ContainerNetworkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var mode = NormalMode(request.Mode);
        return mode is "none" or "host" || mode.StartsWith("container:", StringComparison.Ordinal) ? null : bridges.Find(mode);
    }

    /// <summary>Refuses a connect or disconnect that the container's mode forbids, with dockerd's 400 messages.</summary>
    public static void CheckModeAllowsConnect(string mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        var normal = NormalMode(mode);
        if (normal == "host")
        {
            throw DockerApiException.BadRequest(HostNetworkConflict);
        }

        if (normal.StartsWith("container:", StringComparison.Ordinal))
        {
            throw DockerApiException.BadRequest(SharedNetworkConflict);
        }

        if (normal == "none")
        {
            throw DockerApiException.BadRequest(NoNetworkConflict);
        }
    }

    /// <summary>Adds an interface on <paramref name="network"/> to the running container whose process is <paramref name="pid"/>.</summary>
    /// <exception cref="DockerApiException">403 when it is on that network already (dockerd's libnetwork answer), 409 for a
    /// taken address, 400 for aliases on the default bridge, 500 when a plugin failed (nothing stays connected then).</exception>
    public async Task<ContainerNetworkState> ConnectRunningAsync(
        ContainerNetworkRequest request, BridgeNetwork network, EndpointRequest endpoint, int pid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(endpoint);
        CheckEndpoint(network, endpoint);
        var attachment = new ContainerAttachment(request.ContainerId, request.ContainerName, request.Hostname, request.HostsFile, pid,
            [new EndpointSpec(network.Id, endpoint.Aliases, endpoint.IPv4Address)], []);
        try
        {
            await bridges.ConnectOneAsync(attachment, cancellationToken);
        }
        catch (AlreadyExistsException e)
        {
            throw new DockerApiException(StatusCodes.Status403Forbidden, e.Message, e);
        }
        catch (CniException e)
        {
            throw new DockerApiException($"failed to set up container networking: {e.Message}", e);
        }

        return Current(request.ContainerId);
    }

    /// <summary>Removes the running container's interface on <paramref name="network"/>; false when it had none there.</summary>
    /// <exception cref="DockerApiException">500 when the CNI DEL failed (the endpoint stays recorded).</exception>
    public async Task<bool> DisconnectRunningAsync(string containerId, BridgeNetwork network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        try
        {
            return await bridges.DisconnectOneAsync(containerId, network.Id, cancellationToken);
        }
        catch (CniException e)
        {
            throw new DockerApiException($"failed to tear down container networking: {e.Message}", e);
        }
    }

    /// <summary>What an endpoint may ask on <paramref name="network"/>: aliases are host names, and aliases and fixed addresses
    /// only on networks that resolve names (user-defined ones), as dockerd.</summary>
    public static void CheckEndpoint(BridgeNetwork network, EndpointRequest endpoint)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Aliases.Count > HostsFile.MaxAliases)
        {
            throw DockerApiException.BadRequest($"at most {HostsFile.MaxAliases} aliases per network endpoint, got {endpoint.Aliases.Count}");
        }

        foreach (var alias in endpoint.Aliases)
        {
            // An InvalidInputException answers 400 (DockerErrors).
            HostsFile.CheckName("network alias", alias);
        }

        if (!network.ResolvesNames && endpoint.Aliases.Count > 0)
        {
            throw DockerApiException.BadRequest("network-scoped alias is supported only for containers in user defined networks");
        }

        if (!network.ResolvesNames && endpoint.IPv4Address.Length > 0)
        {
            throw DockerApiException.BadRequest("user specified IP address is supported on user defined networks only");
        }
    }
}
