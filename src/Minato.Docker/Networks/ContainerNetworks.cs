using Minato.Docker.Http;

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
public sealed record ContainerNetworkRequest(
    string ContainerId,
    string ContainerName,
    string Mode,
    IReadOnlyDictionary<string, EndpointRequest> Endpoints,
    IReadOnlyList<PortPublication> Ports,
    string Hostname,
    string HostsFile);

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
/// <remarks>This first version serves the modes that need no network of Minato's own (<c>none</c>, <c>host</c>,
/// <c>container:</c>); bridge networks come with the networks routes.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "an instance API: the bridge networks keep state")]
public sealed class ContainerNetworks
{
    /// <summary>Checks the request at create time; nothing is connected yet.</summary>
    /// <exception cref="DockerApiException">404 for an unknown network, 400 for a mode that cannot be served.</exception>
    public void Check(ContainerNetworkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var mode = NormalMode(request.Mode);
        if (mode is "none" or "host" || mode.StartsWith("container:", StringComparison.Ordinal))
        {
            return;
        }

        throw DockerApiException.BadRequest($"network mode \"{request.Mode}\" is not served by this daemon yet; use none, host or container:<name>");
    }

    /// <summary>Connects the container whose runtime process is <paramref name="pid"/>, as <see cref="Check"/> accepted it.</summary>
    public Task<ContainerNetworkState> ConnectAsync(ContainerNetworkRequest request, int pid, CancellationToken cancellationToken)
    {
        Check(request);
        return Task.FromResult(ContainerNetworkState.Empty);
    }

    /// <summary>Disconnects the container from every network it is on and frees its ports; idempotent.</summary>
    public Task DisconnectAsync(string containerId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The mode with Docker's synonyms folded: empty and <c>default</c> are <c>bridge</c>.</summary>
    public static string NormalMode(string mode) => mode is "" or "default" ? "bridge" : mode;
}
