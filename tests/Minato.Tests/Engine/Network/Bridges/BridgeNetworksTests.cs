using Microsoft.Extensions.Logging.Abstractions;
using Minato.Engine.Errors;
using Minato.Engine.Network;
using Minato.Engine.Network.Bridges;
using Minato.Engine.Store;
using Minato.Testing.Fakes;

namespace Minato.Tests.Engine.Network.Bridges;

public sealed class BridgeNetworksTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeCniExecutor _executor = new();
    private readonly FakeNamespaces _namespaces = new();
    private readonly FakePacketFilter _filter = new();
    private readonly MetadataStore _store;
    private BridgeNetworks _networks;

    public BridgeNetworksTests()
    {
        foreach (var plugin in new[] { "bridge", "portmap", "firewall" })
        {
            File.SetUnixFileMode(_dir.Write($"bin/{plugin}", "#!/bin/sh\n"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        _store = MetadataStore.Open(_dir.Combine("minato.db"), NetworkSchema.Module);
        _networks = Open();
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RecoverAsync_FirstStart_CreatesTheDefaultNetworkAndItsList()
    {
        await _networks.RecoverAsync(CancellationToken.None);

        var network = Assert.Single(_networks.All);
        Assert.True(network.IsDefault);
        Assert.False(network.ResolvesNames);
        Assert.Equal(("bridge", "minato0", "10.80.0.0/16", "10.80.0.1"), (network.Name, network.BridgeName, network.Subnet, network.Gateway));
        Assert.True(File.Exists(_dir.Combine("root", "conf", network.CniName + ".conflist")));
    }

    [Fact]
    public async Task CreateAsync_WithoutSubnet_TakesTheNextFreeFromThePool()
    {
        var first = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "a" }, CancellationToken.None);
        var second = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "b" }, CancellationToken.None);

        Assert.NotEqual(first.Subnet, second.Subnet);
        Assert.StartsWith("10.81.", first.Subnet, StringComparison.Ordinal);
        Assert.EndsWith("/24", second.Subnet, StringComparison.Ordinal);
        Assert.True(second.ResolvesNames);
        Assert.Equal("mn-" + second.Id[..12], second.BridgeName);
    }

    [Fact]
    public async Task CreateAsync_DuplicateName_ThrowsAlreadyExists()
    {
        await _networks.CreateAsync(new BridgeNetworkSpec { Name = "a" }, CancellationToken.None);

        await Assert.ThrowsAsync<AlreadyExistsException>(() => _networks.CreateAsync(new BridgeNetworkSpec { Name = "a" }, CancellationToken.None));
    }

    [Fact]
    public async Task CreateAsync_OverlappingSubnet_ThrowsPreconditionAndCreatesNothing()
    {
        await _networks.CreateAsync(new BridgeNetworkSpec { Name = "a", Subnet = "10.90.0.0/16" }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<PreconditionException>(() =>
            _networks.CreateAsync(new BridgeNetworkSpec { Name = "b", Subnet = "10.90.4.0/24" }, CancellationToken.None));

        Assert.Contains("overlaps", error.Message, StringComparison.Ordinal);
        Assert.Single(_networks.All);
    }

    [Theory]
    [InlineData("bad name", "", "", "network name")]
    [InlineData("n", "10.90.0.0/24", "10.91.0.1", "Gateway")]
    [InlineData("n", "10.90.0.0/24", "10.90.0.0", "Gateway")]
    [InlineData("n", "10.90.0.0/24", "", "IPRange")]
    public async Task CreateAsync_BadInput_ThrowsInvalidInputNamingTheField(string name, string subnet, string gateway, string field)
    {
        var spec = new BridgeNetworkSpec { Name = name, Subnet = subnet, Gateway = gateway, IPRange = field == "IPRange" ? "10.91.0.0/25" : "" };

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _networks.CreateAsync(spec, CancellationToken.None));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Empty(_networks.All);
    }

    [Fact]
    public async Task AttachAsync_TwoContainersOnUserNetwork_EachHostsFileNamesTheOther()
    {
        var network = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "app" }, CancellationToken.None);
        var webHosts = _dir.Write("web/hosts", "127.0.0.1\tlocalhost\n");
        var dbHosts = _dir.Write("db/hosts", "127.0.0.1\tlocalhost\n");

        await _networks.AttachAsync(Attachment("web", webHosts, network.Id, ["www"]), CancellationToken.None);
        await _networks.AttachAsync(Attachment("db", dbHosts, network.Id, []), CancellationToken.None);

        var db = Assert.Single(_networks.EndpointsOf("db-id"));
        var web = Assert.Single(_networks.EndpointsOf("web-id"));
        Assert.Contains($"{db.Address}\tdb db-host", File.ReadAllText(webHosts), StringComparison.Ordinal);
        Assert.Contains($"{web.Address}\tweb www web-host", File.ReadAllText(dbHosts), StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.1\tlocalhost\n", File.ReadAllText(webHosts), StringComparison.Ordinal);

        await _networks.DetachAsync("db-id", CancellationToken.None);

        Assert.DoesNotContain("\tdb", File.ReadAllText(webHosts), StringComparison.Ordinal);
        Assert.Empty(_networks.EndpointsOf("db-id"));
    }

    [Fact]
    public async Task AttachAsync_DefaultNetwork_OnlyTheContainersOwnEntry()
    {
        await _networks.RecoverAsync(CancellationToken.None);
        var network = _networks.Find("bridge")!;
        var webHosts = _dir.Write("web/hosts", "");
        var dbHosts = _dir.Write("db/hosts", "");

        await _networks.AttachAsync(Attachment("web", webHosts, network.Id, []), CancellationToken.None);
        await _networks.AttachAsync(Attachment("db", dbHosts, network.Id, []), CancellationToken.None);

        var text = File.ReadAllText(webHosts);
        Assert.Contains("\tweb-host\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("db", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachAsync_HostPortZero_PicksAPortAndPassesItToPortmap()
    {
        var network = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "app" }, CancellationToken.None);
        var attachment = Attachment("web", _dir.Write("web/hosts", ""), network.Id, []) with { Ports = [new HostPortMapping(80, "tcp", "", 0)] };

        await _networks.AttachAsync(attachment, CancellationToken.None);

        var port = Assert.Single(Assert.Single(_networks.EndpointsOf("web-id")).Ports);
        Assert.InRange(port.HostPort, 1, 65535);
        var portmap = _executor.Calls.Single(c => c is { Plugin: "portmap", Command: "ADD" });
        Assert.Equal(port.HostPort, portmap.Config["runtimeConfig"]!["portMappings"]![0]!["hostPort"]!.GetValue<int>());
    }

    [Fact]
    public async Task AttachAsync_HostPortPublishedByAnother_ThrowsAndLeavesNothing()
    {
        var network = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "app" }, CancellationToken.None);
        var ports = new[] { new HostPortMapping(80, "tcp", "", 18080) };
        await _networks.AttachAsync(Attachment("web", _dir.Write("web/hosts", ""), network.Id, []) with { Ports = ports }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<PreconditionException>(() =>
            _networks.AttachAsync(Attachment("db", _dir.Write("db/hosts", ""), network.Id, []) with { Ports = ports }, CancellationToken.None));

        Assert.Contains("port is already allocated", error.Message, StringComparison.Ordinal);
        Assert.Empty(_networks.EndpointsOf("db-id"));
        Assert.False(_namespaces.Pinned.ContainsKey(_dir.Combine("state", "netns", "db-id")));
    }

    [Fact]
    public async Task AttachAsync_PluginFails_DeletesAgainAndForgetsTheEndpoint()
    {
        var network = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "app" }, CancellationToken.None);
        _executor.Failures[("portmap", "ADD")] = "iptables broke";

        await Assert.ThrowsAsync<CniException>(() =>
            _networks.AttachAsync(Attachment("web", _dir.Write("web/hosts", ""), network.Id, []) with { Ports = [new HostPortMapping(80, "tcp", "", 0)] }, CancellationToken.None));

        Assert.Empty(_networks.EndpointsOf("web-id"));
        Assert.Empty(_executor.Allocations);
        Assert.Empty(_namespaces.Pinned);
    }

    [Fact]
    public async Task RecoverAsync_EndpointLeftInAdding_DeletesItFromTheRecordAlone()
    {
        var network = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "app" }, CancellationToken.None);
        EndpointTable.Load(_store).Insert(new NetworkEndpoint
        {
            Id = new string('a', 64),
            ContainerId = "lost-id",
            NetworkId = network.Id,
            InterfaceName = "eth0",
            NetnsPin = _dir.Combine("state", "netns", "lost-id"),
            Phase = EndpointPhase.Adding,
            Name = "lost",
            Hostname = "lost",
            Ports = [new HostPortMapping(80, "tcp", "", 18081)],
        });

        _networks = Open();
        await _networks.RecoverAsync(CancellationToken.None);

        var delete = Assert.Single(_executor.Calls, c => c is { Plugin: "bridge", Command: "DEL" });
        Assert.Equal("lost-id", delete.Environment["CNI_CONTAINERID"]);
        Assert.Equal("", delete.Environment["CNI_NETNS"]);
        var portmap = Assert.Single(_executor.Calls, c => c is { Plugin: "portmap", Command: "DEL" });
        Assert.Equal(18081, portmap.Config["runtimeConfig"]!["portMappings"]![0]!["hostPort"]!.GetValue<int>());
        Assert.Empty(_networks.EndpointsOf("lost-id"));
    }

    [Fact]
    public async Task RemoveAsync_ContainerAttached_ThrowsPrecondition()
    {
        var network = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "app" }, CancellationToken.None);
        await _networks.AttachAsync(Attachment("web", _dir.Write("web/hosts", ""), network.Id, []), CancellationToken.None);

        await Assert.ThrowsAsync<PreconditionException>(() => _networks.RemoveAsync(network.Id, CancellationToken.None));
        await _networks.DetachAsync("web-id", CancellationToken.None);
        await _networks.RemoveAsync(network.Id, CancellationToken.None);

        Assert.Null(_networks.Find("app"));
        Assert.False(File.Exists(_dir.Combine("root", "conf", network.CniName + ".conflist")));
    }

    [Fact]
    public async Task CreateAsync_UserNetwork_MasqueradeAndForwardRulesMadeOnceAndDeletedWithIt()
    {
        await _networks.RecoverAsync(CancellationToken.None);
        var network = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "app" }, CancellationToken.None);
        var rules = _filter.Rules.Where(r => r.Contains(network.BridgeName, StringComparison.Ordinal)).ToList();
        _networks = Open();
        await _networks.RecoverAsync(CancellationToken.None);

        Assert.Equal(4, rules.Count);
        Assert.Contains(rules, r => r.StartsWith("-t nat -A MINATO-POSTROUTING -s " + network.Subnet + " ! -o " + network.BridgeName, StringComparison.Ordinal) && r.EndsWith("-j MASQUERADE", StringComparison.Ordinal));
        Assert.Equal(rules, _filter.Rules.Where(r => r.Contains(network.BridgeName, StringComparison.Ordinal)));
        Assert.Contains("filter/MINATO-FORWARD<-FORWARD", _filter.Chains);
        Assert.Contains("nat/MINATO-POSTROUTING<-POSTROUTING", _filter.Chains);

        await _networks.RemoveAsync(network.Id, CancellationToken.None);

        Assert.DoesNotContain(_filter.Rules, r => r.Contains(network.BridgeName, StringComparison.Ordinal));
        Assert.Contains(_filter.Rules, r => r.Contains("minato bridge minato0 10.80.0.0/16", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateAsync_InternalNetwork_OnlyForwardingBetweenItsContainers()
    {
        var network = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "db", Internal = true }, CancellationToken.None);

        var rule = Assert.Single(_filter.Rules);
        Assert.StartsWith($"-t filter -A MINATO-FORWARD -i {network.BridgeName} -o {network.BridgeName} ", rule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_RuleRefused_NoNetworkAndNoRulesLeft()
    {
        _filter.NextFailure = new CniException("iptables: no chain/target/match by that name");

        await Assert.ThrowsAsync<CniException>(() => _networks.CreateAsync(new BridgeNetworkSpec { Name = "app" }, CancellationToken.None));

        Assert.Null(_networks.Find("app"));
        Assert.Empty(_filter.Rules);
        Assert.False(Directory.Exists(_dir.Combine("root", "conf")) && Directory.EnumerateFiles(_dir.Combine("root", "conf")).Any());
    }

    [Fact]
    public async Task AttachAsync_NoPublishedPorts_RunsTheBridgePluginAloneOnAddAndDel()
    {
        var network = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "app" }, CancellationToken.None);

        await _networks.AttachAsync(Attachment("web", _dir.Write("web/hosts", ""), network.Id, []), CancellationToken.None);
        await _networks.DetachAsync("web-id", CancellationToken.None);

        Assert.Equal(["ADD bridge", "DEL bridge"], _executor.Calls.Select(c => $"{c.Command} {c.Plugin}"));
        Assert.False(_executor.Calls.First().Config["ipMasq"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DetachAsync_EndpointAddedBeforeShapes_DeletesWithTheListItWasAddedWith()
    {
        var network = await _networks.CreateAsync(new BridgeNetworkSpec { Name = "app" }, CancellationToken.None);
        await _networks.AttachAsync(Attachment("web", _dir.Write("web/hosts", ""), network.Id, []), CancellationToken.None);
        var endpoint = Assert.Single(_networks.EndpointsOf("web-id"));
        EndpointTable.Load(_store).Update(endpoint with { ListShape = 0 });
        _networks = Open();

        await _networks.DetachAsync("web-id", CancellationToken.None);

        Assert.Equal(["DEL firewall", "DEL portmap", "DEL bridge"], _executor.Calls.Where(c => c.Command == "DEL").Select(c => $"{c.Command} {c.Plugin}"));
    }

    [Fact]
    public async Task RemoveAsync_DefaultNetwork_ThrowsPrecondition()
    {
        await _networks.RecoverAsync(CancellationToken.None);

        await Assert.ThrowsAsync<PreconditionException>(() => _networks.RemoveAsync(_networks.Find("bridge")!.Id, CancellationToken.None));
    }

    private static ContainerAttachment Attachment(string name, string hostsFile, string networkId, IReadOnlyList<string> aliases) =>
        new($"{name}-id", name, $"{name}-host", hostsFile, Environment.ProcessId, [new EndpointSpec(networkId, aliases)], []);

    private BridgeNetworks Open()
    {
        var directory = new CniConfigDirectory(new CniOptions { ConfigDir = _dir.Combine("net.d"), PluginDirs = [_dir.Combine("bin")] });
        return new BridgeNetworks(
            NetworkTable.Load(_store), EndpointTable.Load(_store),
            new BridgeNetworkOptions { Root = _dir.Combine("root"), State = _dir.Combine("state"), Pool = "10.81.0.0/16" },
            new CniChain(directory, _executor), _namespaces, new BridgeFirewall(_filter), TimeProvider.System, NullLogger<BridgeNetworks>.Instance);
    }
}
