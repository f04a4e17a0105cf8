namespace Minato.Engine.Network.Bridges;

/// <summary>Name resolution through hosts files: containers on a network that resolves names see each other by name and alias.</summary>
public sealed partial class BridgeNetworks
{
    /// <summary>
    /// The networks' entries of <paramref name="containerId"/>'s hosts file: its own addresses with its hostname (plus its name
    /// and aliases where names resolve), then every other container on the networks that resolve names.
    /// </summary>
    public IReadOnlyList<HostsEntry> HostsEntriesOf(string containerId)
    {
        var entries = new List<HostsEntry>();
        var own = EndpointsOf(containerId).Where(e => e.Phase == EndpointPhase.Attached).ToList();
        foreach (var endpoint in own)
        {
            var resolves = networks.Get(endpoint.NetworkId)?.ResolvesNames == true;
            entries.Add(new HostsEntry(endpoint.Address, resolves ? [endpoint.Hostname, endpoint.Name, .. endpoint.Aliases] : [endpoint.Hostname]));
        }

        foreach (var endpoint in own.Where(e => networks.Get(e.NetworkId)?.ResolvesNames == true))
        {
            foreach (var peer in EndpointsOn(endpoint.NetworkId).Where(p => p.ContainerId != containerId && p.Phase == EndpointPhase.Attached)
                .OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                entries.Add(new HostsEntry(peer.Address, [peer.Name, .. peer.Aliases, peer.Hostname]));
            }
        }

        return entries;
    }

    /// <summary>The containers other than <paramref name="containerId"/> on <paramref name="networkId"/>, when it resolves names.</summary>
    private IEnumerable<string> PeersOn(string networkId, string containerId) =>
        networks.Get(networkId)?.ResolvesNames == true
            ? EndpointsOn(networkId).Select(e => e.ContainerId).Where(c => c != containerId)
            : [];

    /// <summary>Rewrites the hosts files of the container and of every container that resolves its name.</summary>
    private void RewriteHostsFiles(string containerId)
    {
        var own = EndpointsOf(containerId);
        var affected = own.SelectMany(e => PeersOn(e.NetworkId, containerId)).Prepend(containerId).Distinct(StringComparer.Ordinal);
        foreach (var id in affected)
        {
            if (EndpointsOf(id).FirstOrDefault(e => e.HostsFile.Length > 0) is { } endpoint)
            {
                HostsFile.Rewrite(endpoint.HostsFile, HostsEntriesOf(id));
            }
        }
    }
}
