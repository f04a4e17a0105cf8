using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Minato.Engine.Linux.Namespaces;
using Minato.Engine.Network;
using Minato.Engine.Network.Bridges;
using Minato.Engine.Store;
using Minato.Testing;

namespace Minato.IntegrationTests.Network;

/// <summary>
/// Real bridge networks for one test: a metadata store and files in a temporary directory, the real CNI plugins and
/// namespaces, a bridge and subnet of its own, and helper processes in fresh network namespaces.
/// <see cref="CleanUpAsync"/> removes all of it.
/// </summary>
public sealed class BridgeNetworkFixture
{
    private static int _counter;
    private readonly List<BackgroundProcess> _processes = [];
    private readonly HashSet<string> _containers = [];
    private readonly MetadataStore _store;

    public BridgeNetworkFixture()
    {
        var n = Interlocked.Increment(ref _counter);
        Octet = (Environment.ProcessId * 7 + n * 13) % 200 + 20;
        Bridge = $"mnb{Environment.ProcessId % 10000:x4}{n:x2}";
        Directory = System.IO.Directory.CreateTempSubdirectory("minato-bridge-").FullName;
        _store = MetadataStore.Open(Path.Combine(Directory, "minato.db"), NetworkSchema.Module);
        Networks = Open();
    }

    public string Directory { get; }

    /// <summary>The Linux bridge of the test's network.</summary>
    public string Bridge { get; }

    /// <summary>The third octet of the test's subnet 10.235.Octet.0/24.</summary>
    public int Octet { get; }

    public BridgeNetworks Networks { get; private set; }

    public string IpamDirectory => Path.Combine(Directory, "root", "ipam");

    /// <summary>Creates the test's user network (10.235.Octet.0/24 on <see cref="Bridge"/>).</summary>
    public Task<BridgeNetwork> CreateNetworkAsync() => Networks.CreateAsync(
        new BridgeNetworkSpec { Name = "it-" + Bridge, Subnet = $"10.235.{Octet}.0/24", BridgeName = Bridge }, CancellationToken.None);

    /// <summary>A new BridgeNetworks on the same store and files, as after a daemon restart.</summary>
    public BridgeNetworks Restart() => Networks = Open();

    /// <summary>Starts <c>sleep</c> in a new network namespace and waits until it is in it; returns its pid.</summary>
    public async Task<int> StartIsolatedAsync()
    {
        var process = BackgroundProcess.Start("unshare", "--net", "sleep", "300");
        _processes.Add(process);
        // unshare execs sleep only once it has its own network namespace.
        var self = new FileInfo("/proc/self/ns/net").LinkTarget;
        for (var i = 0; i < 200; i++)
        {
            var comm = File.Exists($"/proc/{process.Id}/comm") ? (await File.ReadAllTextAsync($"/proc/{process.Id}/comm")).Trim() : "";
            if (comm == "sleep" && new FileInfo($"/proc/{process.Id}/ns/net").LinkTarget is { } target && target != self)
            {
                return process.Id;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("unshare --net did not enter a new network namespace");
    }

    /// <summary>Runs a background process inside <paramref name="pid"/>'s network namespace.</summary>
    public BackgroundProcess StartIn(int pid, params string[] command)
    {
        var process = BackgroundProcess.Start("nsenter", [$"--net=/proc/{pid}/ns/net", .. command]);
        _processes.Add(process);
        return process;
    }

    /// <summary>A new container id, detached again on dispose.</summary>
    public string NewContainerId()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _containers.Add(id);
        return id;
    }

    /// <summary>Host-local's allocations on <paramref name="network"/> (one file per address).</summary>
    public IReadOnlyList<string> Allocated(BridgeNetwork network)
    {
        var dir = Path.Combine(IpamDirectory, network.CniName);
        return System.IO.Directory.Exists(dir)
            ? System.IO.Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Where(f => f.StartsWith("10.", StringComparison.Ordinal)).ToList()
            : [];
    }

    /// <summary>Detaches every container, kills the helper processes, deletes the bridge and the files.</summary>
    public async Task CleanUpAsync()
    {
        foreach (var id in _containers)
        {
            try
            {
                await Networks.DetachAsync(id, CancellationToken.None);
            }
            catch (CniException)
            {
                // Best effort: the bridge goes below either way.
            }
        }

        _processes.ForEach(p => p.Dispose());
        var pins = Path.Combine(Directory, "state", "netns");
        foreach (var pin in System.IO.Directory.Exists(pins) ? System.IO.Directory.GetFiles(pins) : [])
        {
            new LinuxNamespaces().Unpin(pin);
        }

        // The networks' rules outlive a daemon (containers keep running); the fixture's networks go with it.
        foreach (var network in Networks.All)
        {
            await new BridgeFirewall(new Iptables()).CloseAsync(network, CancellationToken.None);
        }

        await CommandResult.RunAsync("ip", ["link", "delete", Bridge], TimeSpan.FromSeconds(30));
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private BridgeNetworks Open() => new(
        NetworkTable.Load(_store), EndpointTable.Load(_store),
        new BridgeNetworkOptions
        {
            Root = Path.Combine(Directory, "root"),
            State = Path.Combine(Directory, "state"),
            DefaultBridge = Bridge + "d",
            DefaultSubnet = $"10.236.{Octet}.0/24",
        },
        new CniChain(new CniConfigDirectory(new CniOptions()), new CniProcessExecutor(TimeSpan.FromMinutes(1))),
        new LinuxNamespaces(), new BridgeFirewall(new Iptables()), TimeProvider.System, NullLogger<BridgeNetworks>.Instance);
}
