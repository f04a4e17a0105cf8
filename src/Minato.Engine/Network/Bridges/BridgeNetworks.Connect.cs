using System.Globalization;
using System.Security.Cryptography;
using Minato.Engine.Errors;

namespace Minato.Engine.Network.Bridges;

/// <summary>Connecting a running container to one more network, and disconnecting it from one, while it keeps running.</summary>
public sealed partial class BridgeNetworks
{
    /// <summary>
    /// Adds one interface (the lowest free <c>ethN</c>) on the network of <paramref name="attachment"/>'s single endpoint to the
    /// running container, in its pinned namespace (pinned from <c>/proc/PID/ns/net</c> when it has no endpoint yet), and
    /// rewrites the hosts files of the container and its new peers. Nothing stays recorded when the ADD fails.
    /// </summary>
    /// <exception cref="NotFoundException">The network does not exist.</exception>
    /// <exception cref="AlreadyExistsException">The container is on that network already.</exception>
    /// <exception cref="PreconditionException">The requested address is taken or outside the subnet.</exception>
    /// <exception cref="CniException">A plugin failed.</exception>
    public async Task<NetworkEndpoint> ConnectOneAsync(ContainerAttachment attachment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        if (attachment.Endpoints.Count != 1 || attachment.Ports.Count > 0)
        {
            throw new InvalidInputException("connecting a running container takes exactly one network and no ports");
        }

        CheckNames(attachment);
        var spec = attachment.Endpoints[0];
        using (await _locks.AcquireAsync("networks", cancellationToken))
        {
            var network = networks.Get(spec.NetworkId) ?? throw new NotFoundException($"network {spec.NetworkId} not found");
            var own = EndpointsOf(attachment.ContainerId);
            if (own.Any(e => e.NetworkId == network.Id))
            {
                throw new AlreadyExistsException($"endpoint with name {attachment.Name} already exists in network {network.Name}");
            }

            if (spec.Address.Length > 0)
            {
                CheckAddress(network, spec.Address);
            }

            var pin = PinPath(attachment.ContainerId);
            if (own.Count == 0 || !namespaces.IsPinned(pin))
            {
                Directory.CreateDirectory(options.NetnsDirectory);
                ReleasePin(attachment.ContainerId);
                namespaces.PinExisting($"/proc/{attachment.Pid}/ns/net", pin);
            }

            var taken = own.Select(e => e.InterfaceName).ToHashSet(StringComparer.Ordinal);
            var index = Enumerable.Range(0, taken.Count + 1).First(i => !taken.Contains(InterfaceName(i)));
            var endpoint = new NetworkEndpoint
            {
                Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
                ContainerId = attachment.ContainerId,
                NetworkId = network.Id,
                InterfaceName = InterfaceName(index),
                NetnsPin = pin,
                Phase = EndpointPhase.Adding,
                Name = attachment.Name,
                Hostname = attachment.Hostname,
                Aliases = spec.Aliases,
                HostsFile = attachment.HostsFile,
                Ports = [],
                RequestedAddress = spec.Address,
                ListShape = BridgeConflist.CurrentShape,
            };
            endpoints.Insert(endpoint);
            NetworkEndpoint attached;
            try
            {
                attached = await AddAsync(network, endpoint, cancellationToken);
            }
            catch (Exception e) when (e is CniException or OperationCanceledException)
            {
                try
                {
                    await ReleaseAsync(endpoint, CancellationToken.None);
                }
                catch (CniException)
                {
                    // The ADD error is the one to report; the endpoint stays recorded and the container's detach retries the DEL.
                }

                throw;
            }

            RewriteHostsFiles(attachment.ContainerId);
            return attached;
        }
    }

    /// <summary>
    /// Removes the container's interface on <paramref name="networkId"/> (CNI DEL in its pinned namespace) and rewrites the
    /// hosts files of the container and of its former peers; the container's other endpoints and its pin stay.
    /// </summary>
    /// <returns>False when the container has no endpoint on that network.</returns>
    /// <exception cref="CniException">The DEL failed; the endpoint stays recorded.</exception>
    public async Task<bool> DisconnectOneAsync(string containerId, string networkId, CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAsync("networks", cancellationToken))
        {
            var endpoint = EndpointsOf(containerId).FirstOrDefault(e => e.NetworkId == networkId);
            if (endpoint is null)
            {
                return false;
            }

            var peers = PeersOn(networkId, containerId).Distinct(StringComparer.Ordinal).ToList();
            await ReleaseAsync(endpoint, cancellationToken);
            if (EndpointsOf(containerId).Count == 0)
            {
                if (endpoint.HostsFile.Length > 0)
                {
                    HostsFile.Rewrite(endpoint.HostsFile, []);
                }
            }
            else
            {
                RewriteHostsFiles(containerId);
            }

            foreach (var peer in peers)
            {
                RewriteHostsFiles(peer);
            }

            return true;
        }
    }

    private static string InterfaceName(int index) => string.Create(CultureInfo.InvariantCulture, $"eth{index}");
}
