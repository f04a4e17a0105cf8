using Minato.Docker.Http;
using Minato.Engine.Errors;
using Minato.Engine.Network;
using Minato.Engine.Network.Bridges;

namespace Minato.Docker.Networks;

/// <summary>What a Docker container asks of the networks: its mode, the endpoints it wants and the ports it publishes.</summary>
/// <param name="ContainerId">The container's id (64 hex digits).</param>
/// <param name="ContainerName">Its name without the leading <c>/</c>; resolvable on user-defined networks.</param>
/// <param name="Mode">HostConfig.NetworkMode as sent: empty or <c>default</c> (= <c>bridge</c>), <c>bridge</c>, <c>host</c>,
/// <c>none</c>, <c>container:&lt;name|id&gt;</c>, or the name or id of a user-defined network.</param>
/// <param name="Endpoints">NetworkingConfig.EndpointsConfig, keyed by network name or id.</param>
/// <param name="Ports">Ports to publish on the host (PortBindings, and PublishAllPorts over ExposedPorts with host port 0).</param>
/// <param name="Hostname">The container's hostname.</param>
/// <param name="HostsFile">The host path of the file bound at the container's <c>/etc/hosts</c>; the container side creates it
/// before the runtime starts, the network side rewrites it in place (same inode) while the container is connected.</param>
/// <param name="ModeDetached">The container was disconnected from the mode's network (<c>docker network disconnect</c>): it
/// joins only the networks of <paramref name="Endpoints"/>.</param>
public sealed record ContainerNetworkRequest(
    string ContainerId,
    string ContainerName,
    string Mode,
    IReadOnlyDictionary<string, EndpointRequest> Endpoints,
    IReadOnlyList<PortPublication> Ports,
    string Hostname,
    string HostsFile,
    bool ModeDetached = false);

/// <summary>One endpoint a container asks for on a network (EndpointSettings of the request).</summary>
/// <param name="Aliases">Extra names the container answers to on that network.</param>
/// <param name="IPv4Address">A fixed address (IPAMConfig.IPv4Address); empty for the next free one.</param>
public sealed record EndpointRequest(IReadOnlyList<string> Aliases, string IPv4Address = "");

/// <summary>A port published on the host.</summary>
/// <param name="ContainerPort">The port inside the container.</param>
/// <param name="Protocol"><c>tcp</c>, <c>udp</c> or <c>sctp</c>.</param>
/// <param name="HostIp">The host address to listen on; empty for every address.</param>
/// <param name="HostPort">The host port; 0 to pick a free one.</param>
public sealed record PortPublication(int ContainerPort, string Protocol, string HostIp, int HostPort);

/// <summary>A container's place on one network while it runs.</summary>
public sealed record ConnectedEndpoint(
    string NetworkName,
    string NetworkId,
    string EndpointId,
    string IPAddress,
    int IPPrefixLen,
    string Gateway,
    string MacAddress,
    IReadOnlyList<string> Aliases);

/// <summary>What connecting a container gave it: its endpoints and the host ports actually bound.</summary>
public sealed record ContainerNetworkState(IReadOnlyList<ConnectedEndpoint> Endpoints, IReadOnlyList<PortPublication> Ports)
{
    /// <summary>No endpoint, no port (modes <c>none</c>, <c>host</c>, <c>container:</c>).</summary>
    public static readonly ContainerNetworkState Empty = new([], []);
}

/// <summary>
/// Connects Docker containers to networks around their runtime process: the container side calls <see cref="Check"/> at
/// create, <see cref="ConnectAsync"/> after the OCI runtime created the process (its network namespace is
/// <c>/proc/&lt;pid&gt;/ns/net</c>) and before it starts, and <see cref="DisconnectAsync"/> after every exit, at remove and
/// at recovery for containers that exited while the daemon was down.
/// </summary>
/// <remarks>
/// <c>none</c>, <c>host</c> and <c>container:</c> need no network of Minato's own. <c>bridge</c> (the default) and user-defined
/// networks are the engine's <see cref="BridgeNetworks"/>: the first network is the mode's, further ones come from the
/// endpoints; published ports go on the first. Every endpoint is recorded before its CNI ADD and its namespace pinned, so
/// <see cref="DisconnectAsync"/> works from the records alone, after a daemon restart and after the process is gone.
/// </remarks>
public sealed partial class ContainerNetworks(BridgeNetworks bridges)
{
    /// <summary>Checks the request at create time; nothing is connected yet.</summary>
    /// <exception cref="DockerApiException">404 for an unknown network, 400 for a mode that cannot be served.</exception>
    /// <exception cref="Engine.Errors.InvalidInputException">An alias that is not a host name (it would land in other containers' hosts files); 400.</exception>
    public void Check(ContainerNetworkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _ = Plan(request);
    }

    /// <summary>Connects the container whose runtime process is <paramref name="pid"/>, as <see cref="Check"/> accepted it.</summary>
    /// <exception cref="DockerApiException">As <see cref="Check"/>; 409 for a taken address; 500 when a host port is already
    /// allocated or a CNI plugin failed (nothing stays connected then).</exception>
    public async Task<ContainerNetworkState> ConnectAsync(ContainerNetworkRequest request, int pid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = Plan(request);
        if (plan.Count == 0)
        {
            return ContainerNetworkState.Empty;
        }

        var attachment = new ContainerAttachment(
            request.ContainerId, request.ContainerName, request.Hostname, request.HostsFile, pid,
            plan.Select(p => new EndpointSpec(p.Network.Id, p.Endpoint.Aliases, p.Endpoint.IPv4Address)).ToList(),
            request.Ports.Select(p => new HostPortMapping(p.ContainerPort, p.Protocol, p.HostIp, p.HostPort)).ToList());
        try
        {
            await bridges.AttachAsync(attachment, cancellationToken);
        }
        catch (PreconditionException e) when (e.Message.Contains("port is already allocated", StringComparison.Ordinal))
        {
            throw new DockerApiException($"driver failed programming external connectivity on endpoint {request.ContainerName}: {e.Message}", e);
        }
        catch (CniException e)
        {
            throw new DockerApiException($"failed to set up container networking: {e.Message}", e);
        }

        return Current(request.ContainerId);
    }

    /// <summary>Disconnects the container from every network it is on and frees its ports; idempotent.</summary>
    /// <exception cref="DockerApiException">500 when a CNI DEL failed; the endpoint stays recorded and the next call retries.</exception>
    public async Task DisconnectAsync(string containerId, CancellationToken cancellationToken)
    {
        try
        {
            await bridges.DetachAsync(containerId, cancellationToken);
        }
        catch (CniException e)
        {
            throw new DockerApiException($"failed to tear down container networking: {e.Message}", e);
        }
    }

    /// <summary>The container's endpoints and published ports as recorded now (empty when it is not connected).</summary>
    public ContainerNetworkState Current(string containerId)
    {
        var endpoints = bridges.EndpointsOf(containerId).Where(e => e.Phase == EndpointPhase.Attached).ToList();
        if (endpoints.Count == 0)
        {
            return ContainerNetworkState.Empty;
        }

        return new ContainerNetworkState(
            endpoints.Select(e => new ConnectedEndpoint(
                bridges.Find(e.NetworkId)?.Name ?? e.NetworkId, e.NetworkId, e.Id, e.Address, e.PrefixLength, e.Gateway, e.MacAddress, e.Aliases)).ToList(),
            endpoints.SelectMany(e => e.Ports).Select(p => new PortPublication(p.ContainerPort, p.Protocol, p.HostIp, p.HostPort)).ToList());
    }

    /// <summary>The mode with Docker's synonyms folded: empty and <c>default</c> are <c>bridge</c>.</summary>
    public static string NormalMode(string mode) => mode is "" or "default" ? "bridge" : mode;

    /// <summary>The networks to join in order (empty for none, host and container:), each with what the request asks on it.</summary>
    private List<(BridgeNetwork Network, EndpointRequest Endpoint)> Plan(ContainerNetworkRequest request)
    {
        var mode = NormalMode(request.Mode);
        if (mode is "none" or "host" || mode.StartsWith("container:", StringComparison.Ordinal))
        {
            return [];
        }

        var plan = new List<(BridgeNetwork Network, EndpointRequest Endpoint)>();
        if (!request.ModeDetached)
        {
            var first = Network(mode);
            plan.Add((first, EndpointFor(request, first) ?? new EndpointRequest([])));
        }

        foreach (var (name, endpoint) in request.Endpoints.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            // The docker CLI names the default network "default" in EndpointsConfig too.
            var network = Network(NormalMode(name));
            if (plan.All(p => p.Network.Id != network.Id))
            {
                plan.Add((network, endpoint));
            }
        }

        // Aliases go into the neighbours' hosts files: refused at create rather than at the first start.
        foreach (var alias in plan.SelectMany(p => p.Endpoint.Aliases))
        {
            // An InvalidInputException answers 400 (DockerErrors).
            Engine.Network.Bridges.HostsFile.CheckName("network alias", alias);
        }

        foreach (var (network, endpoint) in plan.Where(p => !p.Network.ResolvesNames))
        {
            if (endpoint.Aliases.Count > 0)
            {
                throw DockerApiException.BadRequest("network-scoped alias is supported only for containers in user defined networks");
            }

            if (endpoint.IPv4Address.Length > 0)
            {
                throw DockerApiException.BadRequest("user specified IP address is supported on user defined networks only");
            }
        }

        return plan;
    }

    private BridgeNetwork Network(string nameOrId) => nameOrId is "host" or "none"
        ? throw DockerApiException.BadRequest($"container cannot be connected to network {nameOrId} and to other networks at once")
        : bridges.Find(nameOrId) ?? throw DockerApiException.NotFound($"network {nameOrId} not found");

    private static EndpointRequest? EndpointFor(ContainerNetworkRequest request, BridgeNetwork network) =>
        request.Endpoints.FirstOrDefault(e => NormalMode(e.Key) == network.Name || e.Key == network.Id).Value;
}
