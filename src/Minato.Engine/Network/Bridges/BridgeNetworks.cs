using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Minato.Engine.Errors;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Engine.Network.Bridges;

/// <summary>What a caller asks of a new bridge network; empty strings mean "choose for me".</summary>
public sealed record BridgeNetworkSpec
{
    public required string Name { get; init; }

    public string Subnet { get; init; } = "";

    public string Gateway { get; init; } = "";

    public string IPRange { get; init; } = "";

    /// <summary>The Linux bridge's name; empty for <c>mn-</c> and the id's first 12 digits.</summary>
    public string BridgeName { get; init; } = "";

    public bool Internal { get; init; }

    public bool Attachable { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Bridge networks and the containers on them: definitions in SQLite, each realised as a CNI network list Minato renders
/// under its own root (never in the kubelet's CNI directory), endpoints attached with CNI ADD and released with DEL.
/// </summary>
public sealed partial class BridgeNetworks(
    NetworkTable networks, EndpointTable endpoints, BridgeNetworkOptions options, CniChain chain, INamespaces namespaces,
    BridgeFirewall firewall, TimeProvider time, ILogger<BridgeNetworks> logger)
{
    /// <summary>Longest network name accepted.</summary>
    public const int MaxNameLength = 128;

    private readonly Coordination.KeyedLocks _locks = new();

    public BridgeNetworkOptions Options => options;

    /// <summary>Every network, oldest first.</summary>
    public IReadOnlyList<BridgeNetwork> All => networks.All.OrderBy(n => n.Created).ThenBy(n => n.Id, StringComparer.Ordinal).ToList();

    /// <summary>The network named <paramref name="nameOrId"/>: full id, exact name, then unique id prefix (dockerd's order).</summary>
    public BridgeNetwork? Find(string nameOrId) =>
        networks.Get(nameOrId) ?? networks.All.FirstOrDefault(n => n.Name == nameOrId) ?? networks.Find(nameOrId);

    /// <summary>The endpoints on <paramref name="networkId"/>.</summary>
    public IReadOnlyList<NetworkEndpoint> EndpointsOn(string networkId) =>
        endpoints.All.Where(e => e.NetworkId == networkId).OrderBy(e => e.InterfaceName, StringComparer.Ordinal).ToList();

    /// <summary>The endpoints of <paramref name="containerId"/>, eth0 first.</summary>
    public IReadOnlyList<NetworkEndpoint> EndpointsOf(string containerId) =>
        endpoints.All.Where(e => e.ContainerId == containerId).OrderBy(e => e.InterfaceName, StringComparer.Ordinal).ToList();

    /// <summary>Creates a network and its CNI list; nothing is made when a check fails.</summary>
    /// <exception cref="InvalidInputException">A name, subnet, gateway or range is malformed.</exception>
    /// <exception cref="AlreadyExistsException">The name or bridge is taken.</exception>
    /// <exception cref="PreconditionException">The subnet overlaps another network's, or the pool is exhausted.</exception>
    public async Task<BridgeNetwork> CreateAsync(BridgeNetworkSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using (await _locks.AcquireAsync("networks", cancellationToken))
        {
            return await CreateLockedAsync(spec, isDefault: false, cancellationToken);
        }
    }

    /// <summary>Removes a network no container is on, with its list, its allocations and its Linux bridge.</summary>
    /// <exception cref="NotFoundException">No such network.</exception>
    /// <exception cref="PreconditionException">It is the default network, or containers are on it.</exception>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAsync("networks", cancellationToken))
        {
            var network = networks.Get(id) ?? throw new NotFoundException($"network {id} not found");
            if (network.IsDefault)
            {
                throw new PreconditionException($"{network.Name} is a pre-defined network and cannot be removed");
            }

            if (EndpointsOn(id).Count > 0)
            {
                throw new PreconditionException($"error while removing network: network {network.Name} id {network.Id} has active endpoints");
            }

            await firewall.CloseAsync(network, cancellationToken);
            networks.Delete(id);
            File.Delete(ConfigPath(network));
            var ipam = Path.Combine(options.IpamDirectory, network.CniName);
            if (Directory.Exists(ipam))
            {
                Directory.Delete(ipam, recursive: true);
            }

            await DeleteLinkAsync(network.BridgeName);
        }
    }

    /// <summary>
    /// At start-up: makes the default network (or moves it to a changed subnet while nothing is on it), writes every
    /// network's list back, and DELs the endpoints whose ADD a killed daemon left unfinished.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAsync("networks", cancellationToken))
        {
            await EnsureDefaultAsync(cancellationToken);
            foreach (var network in networks.All)
            {
                WriteConfig(network);
                await firewall.OpenAsync(network, cancellationToken);
            }

            foreach (var endpoint in endpoints.All.Where(e => e.Phase == EndpointPhase.Adding).ToList())
            {
                await ReleaseAsync(endpoint, cancellationToken);
                BridgeLog.RecoveredEndpoint(logger, endpoint.ContainerId, endpoint.NetworkId);
                if (EndpointsOf(endpoint.ContainerId).Count == 0)
                {
                    ReleasePin(endpoint.ContainerId);
                }
            }
        }
    }

    /// <summary>The network list that CNI runs for <paramref name="endpoint"/> on <paramref name="network"/>.</summary>
    public CniNetworkList NetworkList(BridgeNetwork network, NetworkEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return BridgeConflist.Load(network, options.IpamDirectory, ConfigPath(network), endpoint.Ports.Count > 0, endpoint.ListShape);
    }

    private async Task EnsureDefaultAsync(CancellationToken cancellationToken)
    {
        var subnet = Ipv4Subnet.Parse(options.DefaultSubnet, "default network subnet");
        var gateway = Ipv4Subnet.ToAddress(subnet.Network + 1).ToString();
        var existing = networks.All.FirstOrDefault(n => n.IsDefault);
        if (existing is null)
        {
            await CreateLockedAsync(new BridgeNetworkSpec { Name = options.DefaultName, Subnet = subnet.ToString(), BridgeName = options.DefaultBridge }, isDefault: true, cancellationToken);
        }
        else if ((existing.Subnet != subnet.ToString() || existing.BridgeName != options.DefaultBridge) && EndpointsOn(existing.Id).Count == 0)
        {
            await firewall.CloseAsync(existing, cancellationToken);
            networks.Update(existing with { Subnet = subnet.ToString(), Gateway = gateway, BridgeName = options.DefaultBridge });
        }
    }

    private async Task<BridgeNetwork> CreateLockedAsync(BridgeNetworkSpec spec, bool isDefault, CancellationToken cancellationToken)
    {
        if (spec.Name.Length is 0 or > MaxNameLength || !NamePattern().IsMatch(spec.Name))
        {
            throw new InvalidInputException($"network name \"{spec.Name}\" is invalid: use 1 to {MaxNameLength} of [a-zA-Z0-9_.-], starting with a letter or digit");
        }

        if (networks.All.Any(n => n.Name == spec.Name))
        {
            throw new AlreadyExistsException($"network with name {spec.Name} already exists");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var bridge = spec.BridgeName.Length > 0 ? spec.BridgeName : "mn-" + id[..12];
        if (bridge.Length > 15 || !BridgePattern().IsMatch(bridge))
        {
            throw new InvalidInputException($"bridge name \"{bridge}\" is invalid: use 1 to 15 of [a-zA-Z0-9_.-]");
        }

        if (networks.All.Any(n => n.BridgeName == bridge))
        {
            throw new AlreadyExistsException($"bridge name {bridge} is already used by another network");
        }

        var (subnet, gateway, range) = Addresses(spec);
        var network = new BridgeNetwork
        {
            Id = id,
            Name = spec.Name,
            BridgeName = bridge,
            Subnet = subnet.ToString(),
            Gateway = Ipv4Subnet.ToAddress(gateway).ToString(),
            IPRange = range?.ToString() ?? "",
            Internal = spec.Internal,
            Attachable = spec.Attachable,
            IsDefault = isDefault,
            ResolvesNames = !isDefault,
            Labels = spec.Labels,
            Options = spec.Options,
            Created = time.GetUtcNow(),
        };
        // The rules first: a failure leaves no network behind (and rules without a network are deleted again).
        try
        {
            await firewall.OpenAsync(network, cancellationToken);
        }
        catch (Exception e) when (e is CniException or OperationCanceledException)
        {
            try
            {
                await firewall.CloseAsync(network, CancellationToken.None);
            }
            catch (CniException)
            {
                // The first error is the one to report; a rule left behind names a bridge no network has.
            }

            throw;
        }

        WriteConfig(network);
        networks.Insert(network);
        return network;
    }

    private (Ipv4Subnet Subnet, uint Gateway, Ipv4Subnet? Range) Addresses(BridgeNetworkSpec spec)
    {
        var taken = networks.All.Select(n => Ipv4Subnet.Parse(n.Subnet, "stored subnet")).ToList();
        Ipv4Subnet subnet;
        if (spec.Subnet.Length > 0)
        {
            subnet = Ipv4Subnet.Parse(spec.Subnet, "IPAM.Config.Subnet");
            if (taken.FirstOrDefault(subnet.Overlaps) is { PrefixLength: > 0 } other)
            {
                throw new PreconditionException($"invalid pool request: Pool overlaps with other one on this address space ({subnet} overlaps {other})");
            }
        }
        else
        {
            var pool = Ipv4Subnet.Parse(options.Pool, "network pool");
            subnet = SubnetPool.NextFree(pool, options.PoolPrefixLength, [.. taken, .. SubnetPool.HostRoutes()])
                ?? throw new PreconditionException($"could not find an available, non-overlapping IPv4 address pool in {pool} to assign to the network");
        }

        Ipv4Subnet? range = null;
        if (spec.IPRange.Length > 0)
        {
            range = Ipv4Subnet.Parse(spec.IPRange, "IPAM.Config.IPRange");
            if (!subnet.Contains(range.Value))
            {
                throw new InvalidInputException($"IPAM.Config.IPRange {range} is not within the subnet {subnet}");
            }
        }

        var gateway = spec.Gateway.Length > 0 ? Ipv4Subnet.ParseAddress(spec.Gateway, "IPAM.Config.Gateway") : subnet.Network + 1;
        if (!subnet.Contains(gateway) || gateway == subnet.Network || gateway == subnet.Last)
        {
            throw new InvalidInputException($"IPAM.Config.Gateway {Ipv4Subnet.ToAddress(gateway)} is not a host address of the subnet {subnet}");
        }

        return (subnet, gateway, range);
    }

    private string ConfigPath(BridgeNetwork network) => Path.Combine(options.ConfigDirectory, network.CniName + ".conflist");

    private void WriteConfig(BridgeNetwork network)
    {
        Directory.CreateDirectory(options.ConfigDirectory);
        var path = ConfigPath(network);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, BridgeConflist.Render(network, options.IpamDirectory));
        File.Move(temporary, path, overwrite: true);
    }

    private async Task DeleteLinkAsync(string bridge)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "link", "delete", "dev", bridge })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stderr = await process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(deadline.Token);
            if (process.ExitCode != 0 && !stderr.Contains("Cannot find device", StringComparison.Ordinal))
            {
                BridgeLog.BridgeNotDeleted(logger, bridge, stderr.Trim());
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            BridgeLog.BridgeNotDeleted(logger, bridge, e.Message);
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-zA-Z0-9_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex BridgePattern();
}
