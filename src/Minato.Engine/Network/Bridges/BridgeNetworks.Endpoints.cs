using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Minato.Engine.Errors;

namespace Minato.Engine.Network.Bridges;

/// <summary>One network a container joins, with a fixed IPv4 address in its subnet or an empty one for the next free.</summary>
public sealed record EndpointSpec(string NetworkId, IReadOnlyList<string> Aliases, string Address = "");

/// <summary>
/// A container to connect: its identity, the process whose network namespace gets the interfaces, and what it asks for;
/// ports are published on the first network, a host port 0 replaced by a free one.
/// </summary>
public sealed record ContainerAttachment(
    string ContainerId, string Name, string Hostname, string HostsFile, int Pid, IReadOnlyList<EndpointSpec> Endpoints, IReadOnlyList<HostPortMapping> Ports);

/// <summary>Attaching containers (CNI ADD), detaching them (CNI DEL) and keeping their hosts files current.</summary>
public sealed partial class BridgeNetworks
{
    /// <summary>Every name that lands in the hosts files of the container's neighbours, checked before anything is made.</summary>
    private static void CheckNames(ContainerAttachment attachment)
    {
        HostsFile.CheckName("container name", attachment.Name);
        if (attachment.Hostname.Length > 0)
        {
            HostsFile.CheckName("hostname", attachment.Hostname);
        }

        foreach (var endpoint in attachment.Endpoints)
        {
            if (endpoint.Aliases.Count > HostsFile.MaxAliases)
            {
                throw new InvalidInputException($"at most {HostsFile.MaxAliases} aliases per network endpoint, got {endpoint.Aliases.Count}");
            }

            foreach (var alias in endpoint.Aliases)
            {
                HostsFile.CheckName("network alias", alias);
            }
        }
    }

    /// <summary>
    /// Attaches the container to each network in order (eth0, eth1, ...). Each endpoint is recorded before its ADD; on any
    /// failure everything attached so far is deleted again. Then the hosts files of the container and its peers are rewritten.
    /// </summary>
    /// <exception cref="NotFoundException">A network does not exist.</exception>
    /// <exception cref="PreconditionException">A host port is already published, or an address is taken or outside the subnet.</exception>
    /// <exception cref="CniException">A plugin failed.</exception>
    public async Task<IReadOnlyList<NetworkEndpoint>> AttachAsync(ContainerAttachment attachment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        CheckNames(attachment);
        using (await _locks.AcquireAsync("networks", cancellationToken))
        {
            // A previous run that was never detached (a lost exit) would hold addresses and ports: release it first.
            await DetachLockedAsync(attachment.ContainerId, cancellationToken);
            var targets = attachment.Endpoints.Select(e => (Spec: e, Network: networks.Get(e.NetworkId) ?? throw new NotFoundException($"network {e.NetworkId} not found"))).ToList();
            foreach (var (spec, network) in targets.Where(t => t.Spec.Address.Length > 0))
            {
                CheckAddress(network, spec.Address);
            }

            var ports = PickPorts(attachment.Ports);
            var pin = PinPath(attachment.ContainerId);
            Directory.CreateDirectory(options.NetnsDirectory);
            ReleasePin(attachment.ContainerId);
            namespaces.PinExisting($"/proc/{attachment.Pid}/ns/net", pin);
            var attached = new List<NetworkEndpoint>();
            try
            {
                for (var i = 0; i < targets.Count; i++)
                {
                    var (spec, network) = targets[i];
                    var endpoint = new NetworkEndpoint
                    {
                        Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
                        ContainerId = attachment.ContainerId,
                        NetworkId = network.Id,
                        InterfaceName = $"eth{i}",
                        NetnsPin = pin,
                        Phase = EndpointPhase.Adding,
                        Name = attachment.Name,
                        Hostname = attachment.Hostname,
                        Aliases = spec.Aliases,
                        HostsFile = attachment.HostsFile,
                        Ports = i == 0 ? ports : [],
                        RequestedAddress = spec.Address,
                        ListShape = BridgeConflist.CurrentShape,
                    };
                    endpoints.Insert(endpoint);
                    attached.Add(await AddAsync(network, endpoint, cancellationToken));
                }
            }
            catch (Exception e) when (e is CniException or OperationCanceledException)
            {
                try
                {
                    await DetachLockedAsync(attachment.ContainerId, CancellationToken.None);
                }
                catch (CniException)
                {
                    // The ADD error is the one to report; the endpoint stays recorded and the next detach retries the DEL.
                }

                throw;
            }

            RewriteHostsFiles(attachment.ContainerId);
            return attached;
        }
    }

    /// <summary>
    /// Detaches the container from every network (CNI DEL in its pinned namespace, or without one when it is gone), forgets
    /// the endpoints and rewrites its peers' hosts files. Idempotent.
    /// </summary>
    /// <exception cref="CniException">A DEL failed; the endpoint stays recorded so a later call retries it.</exception>
    public async Task DetachAsync(string containerId, CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAsync("networks", cancellationToken))
        {
            await DetachLockedAsync(containerId, cancellationToken);
        }
    }

    private async Task DetachLockedAsync(string containerId, CancellationToken cancellationToken)
    {
        var own = EndpointsOf(containerId);
        var peers = own.SelectMany(e => PeersOn(e.NetworkId, containerId)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var endpoint in Enumerable.Reverse(own))
        {
            await ReleaseAsync(endpoint, cancellationToken);
        }

        ReleasePin(containerId);
        if (own.Count > 0 && own[0].HostsFile.Length > 0)
        {
            // The container's own file loses its section too (it may be restarted with other networks).
            HostsFile.Rewrite(own[0].HostsFile, []);
        }

        foreach (var peer in peers)
        {
            RewriteHostsFiles(peer);
        }
    }

    private async Task<NetworkEndpoint> AddAsync(BridgeNetwork network, NetworkEndpoint endpoint, CancellationToken cancellationToken)
    {
        var result = await chain.AddAsync(NetworkList(network, endpoint), Attachment(endpoint, endpoint.NetnsPin), RuntimeConfig(endpoint), cancellationToken);
        var ip = result.Ips.FirstOrDefault(i => i.Address.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new CniException($"network {network.Name} gave container {endpoint.ContainerId} no IPv4 address");
        var done = endpoint with
        {
            Phase = EndpointPhase.Attached,
            Address = ip.Address.ToString(),
            PrefixLength = ip.PrefixLength,
            Gateway = ip.Gateway?.ToString() ?? network.Gateway,
            MacAddress = MacOf(result.Raw, endpoint.InterfaceName),
            CniResult = result.Raw,
        };
        return endpoints.Update(done);
    }

    /// <summary>DELs one endpoint and forgets it; a DEL error is thrown and the record kept.</summary>
    private async Task ReleaseAsync(NetworkEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (networks.Get(endpoint.NetworkId) is { } network)
        {
            var netns = namespaces.IsPinned(endpoint.NetnsPin) ? endpoint.NetnsPin : "";
            try
            {
                await chain.DeleteAsync(NetworkList(network, endpoint), Attachment(endpoint, netns), RuntimeConfig(endpoint),
                    endpoint.CniResult.Length > 0 ? endpoint.CniResult : Allocated(network, endpoint), cancellationToken);
            }
            catch (CniException e)
            {
                BridgeLog.DeleteFailed(logger, endpoint.ContainerId, network.Name, e.Message);
                throw;
            }
        }

        endpoints.Delete(endpoint.Id);
    }

    /// <summary>
    /// For an endpoint whose ADD result was never recorded: a minimal result naming the address host-local holds for it (its
    /// files are named by address and hold the container id), so firewall's DEL finds its per-address rules.
    /// </summary>
    private string? Allocated(BridgeNetwork network, NetworkEndpoint endpoint)
    {
        var directory = Path.Combine(options.IpamDirectory, network.CniName);
        if (!Directory.Exists(directory))
        {
            return null;
        }

        foreach (var file in Directory.EnumerateFiles(directory).Take(70_000))
        {
            var name = Path.GetFileName(file);
            if (!IPAddress.TryParse(name, out _) || new FileInfo(file).Length > 512)
            {
                continue;
            }

            var lines = File.ReadAllText(file).Split('\n', StringSplitOptions.TrimEntries);
            if (lines.Length >= 2 && lines[0] == endpoint.ContainerId && lines[1] == endpoint.InterfaceName)
            {
                var prefix = Ipv4Subnet.Parse(network.Subnet, "subnet").PrefixLength;
                return new JsonObject
                {
                    ["cniVersion"] = BridgeConflist.CniVersion,
                    ["interfaces"] = new JsonArray(new JsonObject { ["name"] = endpoint.InterfaceName }),
                    ["ips"] = new JsonArray(new JsonObject { ["interface"] = 0, ["address"] = $"{name}/{prefix}", ["gateway"] = network.Gateway }),
                }.ToJsonString();
            }
        }

        return null;
    }

    private static CniAttachment Attachment(NetworkEndpoint endpoint, string netns)
    {
        var args = new List<KeyValuePair<string, string>> { new("IgnoreUnknown", "1") };
        if (endpoint.RequestedAddress.Length > 0)
        {
            args.Add(new("IP", endpoint.RequestedAddress));
        }

        return new CniAttachment(endpoint.ContainerId, netns, endpoint.InterfaceName, args);
    }

    private static JsonObject RuntimeConfig(NetworkEndpoint endpoint)
    {
        var mappings = new JsonArray();
        foreach (var port in endpoint.Ports)
        {
            mappings.Add(new JsonObject
            {
                ["hostPort"] = port.HostPort,
                ["containerPort"] = port.ContainerPort,
                ["protocol"] = port.Protocol,
                ["hostIP"] = port.HostIp,
            });
        }

        return new JsonObject { ["portMappings"] = mappings };
    }

    private void CheckAddress(BridgeNetwork network, string address)
    {
        var value = Ipv4Subnet.ParseAddress(address, "IPAMConfig.IPv4Address");
        var subnet = Ipv4Subnet.Parse(network.Subnet, "subnet");
        if (!subnet.Contains(value) || value == subnet.Network || value == subnet.Last || address == network.Gateway)
        {
            throw new PreconditionException($"address {address} is not a free host address of network {network.Name} ({subnet})");
        }

        if (EndpointsOn(network.Id).Any(e => e.Address == address || e.RequestedAddress == address))
        {
            throw new PreconditionException($"address {address} is already in use on network {network.Name}");
        }
    }

    /// <summary>The ports with every host port 0 replaced by a free one; a port another container publishes is refused.</summary>
    private List<HostPortMapping> PickPorts(IReadOnlyList<HostPortMapping> requested)
    {
        var used = endpoints.All.SelectMany(e => e.Ports).Select(p => (p.Protocol, p.HostPort)).ToHashSet();
        var picked = new List<HostPortMapping>();
        foreach (var port in requested)
        {
            if (port.ContainerPort is < 1 or > 65535 || port.HostPort is < 0 or > 65535 || port.Protocol is not ("tcp" or "udp" or "sctp"))
            {
                throw new InvalidInputException($"port mapping {port.HostPort}:{port.ContainerPort}/{port.Protocol} is invalid");
            }

            var hostPort = port.HostPort;
            if (hostPort == 0)
            {
                do
                {
                    hostPort = FreePort(port.Protocol);
                }
                while (used.Contains((port.Protocol, hostPort)));
            }
            else if (used.Contains((port.Protocol, hostPort)))
            {
                var ip = port.HostIp.Length > 0 ? port.HostIp : "0.0.0.0";
                throw new PreconditionException($"Bind for {ip}:{hostPort} failed: port is already allocated");
            }

            used.Add((port.Protocol, hostPort));
            picked.Add(port with { HostPort = hostPort });
        }

        return picked;
    }

    /// <summary>A port the kernel considers free now (bound to port 0 and released).</summary>
    private static int FreePort(string protocol)
    {
        using var socket = protocol == "udp"
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string MacOf(string result, string interfaceName)
    {
        try
        {
            var interfaces = JsonNode.Parse(result)?["interfaces"]?.AsArray() ?? [];
            var match = interfaces.OfType<JsonObject>().FirstOrDefault(i => i["name"]?.GetValue<string>() == interfaceName && i["sandbox"] is not null);
            return match?["mac"]?.GetValue<string>() ?? "";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return "";
        }
    }

    private string PinPath(string containerId) => Path.Combine(options.NetnsDirectory, containerId);

    /// <summary>Unpins the container's namespace when a pin (or what a reboot left of one) is there.</summary>
    private void ReleasePin(string containerId)
    {
        var pin = PinPath(containerId);
        if (File.Exists(pin))
        {
            namespaces.Unpin(pin);
        }
    }
}
