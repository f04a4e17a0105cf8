using Minato.Docker.Http;
using Minato.Docker.Networks;
using Minato.Engine.Containers;
using Minato.Engine.Network.Bridges;

namespace Minato.Docker.Containers;

/// <summary>
/// <c>POST /networks/{id}/connect</c> and <c>/disconnect</c>: the container's record says which networks it joins at every
/// start (the mode's unless disconnected from it, plus its endpoints); a running container is changed live as well.
/// </summary>
public sealed partial class DockerContainers
{
    /// <summary>Connects the container to <paramref name="networkName"/> with <paramref name="settings"/> (aliases, address).</summary>
    /// <exception cref="DockerApiException">404 for an unknown network, 400 for a mode that takes no other network, 403 when a
    /// running container is on that network already.</exception>
    public async Task ConnectAsync(DockerContainer container, string networkName, EndpointSettings? settings, CancellationToken cancellationToken)
    {
        var network = _networks.ConnectTarget(networkName);
        using var held = await _locks.AcquireAsync(container.Id, cancellationToken);
        container = Current(container);
        ContainerNetworks.CheckModeAllowsConnect(container.HostConfig.NetworkMode ?? "");
        var endpoint = new EndpointRequest(settings?.Aliases ?? [], settings?.IPAMConfig?.IPv4Address ?? "");
        ContainerNetworks.CheckEndpoint(network, endpoint);
        var state = State(container);
        if (state.Phase == ContainerPhase.Running)
        {
            var connected = await _networks.ConnectRunningAsync(NetworkRequest(container), network, endpoint, state.Pid, cancellationToken);
            container = Update(container.Id, c => WithEndpoint(c, network, settings) with { Network = connected });
        }
        else if (!IsConfiguredOn(container, network))
        {
            container = Update(container.Id, c => WithEndpoint(c, network, settings));
        }
        else
        {
            // dockerd keeps the first configuration of a stopped container's network ("avoid duplicate config").
            return;
        }

        PublishNetwork("connect", network, container.Id);
    }

    /// <summary>Disconnects the container from <paramref name="networkName"/>; it will not join it at its next start either.</summary>
    /// <exception cref="DockerApiException">404 for an unknown network, 400 for the host network, 409 when the container is not
    /// on that network.</exception>
    /// <remarks>dockerd's <c>Force</c> removes an endpoint whose container is gone; here every endpoint is removed from its
    /// record, so there is nothing more to force.</remarks>
    public async Task DisconnectAsync(DockerContainer container, string networkName, CancellationToken cancellationToken)
    {
        if (networkName == "host")
        {
            throw DockerApiException.BadRequest(ContainerNetworks.HostNetworkConflict);
        }

        var network = _networks.ConnectTarget(networkName);
        using var held = await _locks.AcquireAsync(container.Id, cancellationToken);
        container = Current(container);
        var configured = IsConfiguredOn(container, network);
        var removed = State(container).Phase == ContainerPhase.Running &&
                      await _networks.DisconnectRunningAsync(container.Id, network, cancellationToken);
        if (!configured && !removed)
        {
            // dockerd answers this with a plain error (500); it is the caller's mistake, a conflict with the container's state.
            throw DockerApiException.Conflict($"container {container.Id} is not connected to network {network.Name}");
        }

        var isMode = _networks.ModeNetwork(NetworkRequest(container))?.Id == network.Id;
        container = Update(container.Id, c => WithoutEndpoint(c, network) with
        {
            ModeNetworkDetached = c.ModeNetworkDetached || isMode,
            Network = _networks.Current(c.Id),
        });
        PublishNetwork("disconnect", network, container.Id);
    }

    /// <summary>True when the container joins <paramref name="network"/> at its start: as its mode's, or by an endpoint.</summary>
    private bool IsConfiguredOn(DockerContainer container, BridgeNetwork network) =>
        (!container.ModeNetworkDetached && _networks.ModeNetwork(NetworkRequest(container))?.Id == network.Id) ||
        container.Endpoints.Keys.Any(k => Names(k, network));

    private DockerContainer WithEndpoint(DockerContainer container, BridgeNetwork network, EndpointSettings? settings)
    {
        var endpoints = WithoutEndpoint(container, network).Endpoints;
        endpoints[network.Name] = settings ?? new EndpointSettings();
        var isMode = _networks.ModeNetwork(NetworkRequest(container))?.Id == network.Id;
        return container with { Endpoints = endpoints, ModeNetworkDetached = container.ModeNetworkDetached && !isMode };
    }

    private static DockerContainer WithoutEndpoint(DockerContainer container, BridgeNetwork network) => container with
    {
        Endpoints = container.Endpoints.Where(e => !Names(e.Key, network)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
    };

    /// <summary>True when an EndpointsConfig key (a name, an id or <c>default</c>) names <paramref name="network"/>.</summary>
    private static bool Names(string key, BridgeNetwork network) =>
        key == network.Id || ContainerNetworks.NormalMode(key) == network.Name ||
        (key.Length >= 12 && network.Id.StartsWith(key, StringComparison.Ordinal));

    /// <summary>dockerd's network event: the network as actor, the container in the attributes.</summary>
    private void PublishNetwork(string action, BridgeNetwork network, string containerId) =>
        _events.Publish("network", action, network.Id, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["container"] = containerId,
            ["name"] = network.Name,
            ["type"] = "bridge",
        });
}
