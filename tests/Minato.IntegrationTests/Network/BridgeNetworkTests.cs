using System.Net.Sockets;
using System.Text;
using Minato.Engine.Network.Bridges;
using Minato.Testing;

namespace Minato.IntegrationTests.Network;

/// <summary>Bridge networks with the real CNI plugins on processes in fresh network namespaces (needs root).</summary>
public sealed class BridgeNetworkTests : IAsyncLifetime
{
    /// <summary>Answers "hello from NAME" to every connection on port 8000.</summary>
    private const string Listener =
        "import socket,sys\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(('0.0.0.0',8000))\n" +
        "s.listen()\nprint('listening',flush=True)\nwhile True:\n c,_=s.accept()\n c.sendall(('hello from '+sys.argv[1]).encode())\n c.close()\n";

    /// <summary>Connects to argv[1]:argv[2] and prints what it reads.</summary>
    private const string Client =
        "import socket,sys\nc=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=5)\nprint(c.recv(100).decode())\n";

    private BridgeNetworkFixture _fixture = null!;

    public Task InitializeAsync()
    {
        _fixture = new BridgeNetworkFixture();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _fixture.CleanUpAsync();

    [Fact]
    public async Task AttachAsync_FreshNetns_AddressOnTheBridgeReachableBothWaysAndPortPublished()
    {
        var network = await _fixture.CreateNetworkAsync();
        var pid = await _fixture.StartIsolatedAsync();
        var id = _fixture.NewContainerId();
        var hosts = Path.Combine(_fixture.Directory, "hosts");
        await File.WriteAllTextAsync(hosts, "127.0.0.1\tlocalhost\n");

        var endpoint = Assert.Single(await _fixture.Networks.AttachAsync(
            new ContainerAttachment(id, "web", "webhost", hosts, pid, [new EndpointSpec(network.Id, [])], [new HostPortMapping(8000, "tcp", "", 0)]),
            CancellationToken.None));

        Assert.StartsWith($"10.235.{_fixture.Octet}.", endpoint.Address, StringComparison.Ordinal);
        Assert.Equal(network.Gateway, endpoint.Gateway);
        Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", endpoint.MacAddress);
        Assert.Contains(endpoint.Address, _fixture.Allocated(network));
        Assert.Contains($"{endpoint.Address}\twebhost web", await File.ReadAllTextAsync(hosts), StringComparison.Ordinal);

        // The host reaches the container on its address, and through the published port on the gateway's.
        var listener = _fixture.StartIn(pid, "python3", "-c", Listener, "web");
        await listener.WaitForLineAsync("listening", TimeSpan.FromSeconds(20));
        Assert.Equal("hello from web", await ReadFromAsync(endpoint.Address, 8000));
        var hostPort = Assert.Single(endpoint.Ports).HostPort;
        Assert.Equal("hello from web", await ReadFromAsync(network.Gateway, hostPort));

        // The container reaches the host on its gateway.
        using var hostListener = new TcpListener(System.Net.IPAddress.Parse(network.Gateway), 0);
        hostListener.Start();
        var accept = AnswerOnceAsync(hostListener);
        var port = ((System.Net.IPEndPoint)hostListener.LocalEndpoint).Port;
        var client = await CommandResult.RunAsync("nsenter", [$"--net=/proc/{pid}/ns/net", "python3", "-c", Client, network.Gateway, $"{port}"], TimeSpan.FromSeconds(30));
        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.Contains("hello from host", client.Stdout, StringComparison.Ordinal);
        await accept;
    }

    [Fact]
    public async Task CreateAsync_Network_MasqueradeAndForwardRulesInTheHostFilterUntilRemoved()
    {
        var network = await _fixture.CreateNetworkAsync();
        var comment = $"minato bridge {network.BridgeName} {network.Subnet}";
        var made = await IptablesAsync();
        _ = _fixture.Restart();
        await _fixture.Networks.RecoverAsync(CancellationToken.None);
        var afterRecovery = await IptablesAsync();

        await _fixture.Networks.RemoveAsync(network.Id, CancellationToken.None);
        var removed = await IptablesAsync();

        Assert.Contains($"-A MINATO-POSTROUTING -s {network.Subnet} ! -o {network.BridgeName} -m comment --comment \"{comment}\" -j MASQUERADE", made, StringComparison.Ordinal);
        Assert.Equal(4, made.Split('\n').Count(l => l.Contains(comment, StringComparison.Ordinal)));
        Assert.Equal(4, afterRecovery.Split('\n').Count(l => l.Contains(comment, StringComparison.Ordinal)));
        Assert.Contains("-A FORWARD -j MINATO-FORWARD", made, StringComparison.Ordinal);
        Assert.DoesNotContain(comment, removed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetachAsync_AfterAttach_FreesTheAddressAndRemovesEveryRule()
    {
        var network = await _fixture.CreateNetworkAsync();
        var pid = await _fixture.StartIsolatedAsync();
        var id = _fixture.NewContainerId();
        var endpoint = Assert.Single(await _fixture.Networks.AttachAsync(
            new ContainerAttachment(id, "web", "webhost", "", pid, [new EndpointSpec(network.Id, [])], [new HostPortMapping(8000, "tcp", "", 0)]),
            CancellationToken.None));
        Assert.Contains(id, await IptablesAsync(), StringComparison.Ordinal);

        await _fixture.Networks.DetachAsync(id, CancellationToken.None);
        await _fixture.Networks.DetachAsync(id, CancellationToken.None);

        Assert.DoesNotContain(endpoint.Address, _fixture.Allocated(network));
        var rules = await IptablesAsync();
        Assert.DoesNotContain(id, rules, StringComparison.Ordinal);
        Assert.DoesNotContain(endpoint.Address + "/", rules, StringComparison.Ordinal);
        Assert.Empty(_fixture.Networks.EndpointsOf(id));
        Assert.False(File.Exists(Path.Combine(_fixture.Directory, "state", "netns", id)));
    }

    [Fact]
    public async Task AttachAsync_TwoContainersOnUserNetwork_ReachEachOtherByTheNameInTheirHostsFiles()
    {
        var network = await _fixture.CreateNetworkAsync();
        var (pidA, hostsA, idA) = (await _fixture.StartIsolatedAsync(), Path.Combine(_fixture.Directory, "hosts-a"), _fixture.NewContainerId());
        var (pidB, hostsB, idB) = (await _fixture.StartIsolatedAsync(), Path.Combine(_fixture.Directory, "hosts-b"), _fixture.NewContainerId());
        await File.WriteAllTextAsync(hostsA, "127.0.0.1\tlocalhost\n");
        await File.WriteAllTextAsync(hostsB, "127.0.0.1\tlocalhost\n");

        // A first: its file learns B's name once B connects.
        await _fixture.Networks.AttachAsync(new ContainerAttachment(idA, "alpha", "a-host", hostsA, pidA, [new EndpointSpec(network.Id, [])], []), CancellationToken.None);
        await _fixture.Networks.AttachAsync(new ContainerAttachment(idB, "beta", "b-host", hostsB, pidB, [new EndpointSpec(network.Id, ["db"])], []), CancellationToken.None);
        var listener = _fixture.StartIn(pidB, "python3", "-c", Listener, "beta");
        await listener.WaitForLineAsync("listening", TimeSpan.FromSeconds(20));

        var betaAddress = Resolve(await File.ReadAllTextAsync(hostsA), "db");
        var client = await CommandResult.RunAsync("nsenter", [$"--net=/proc/{pidA}/ns/net", "python3", "-c", Client, betaAddress, "8000"], TimeSpan.FromSeconds(30));

        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.Contains("hello from beta", client.Stdout, StringComparison.Ordinal);
        Assert.Equal(Resolve(await File.ReadAllTextAsync(hostsB), "alpha"), Assert.Single(_fixture.Networks.EndpointsOf(idA)).Address);
    }

    [Fact]
    public async Task RecoverAsync_EndpointInterruptedDuringAdd_DeletesWhatTheRecordSays()
    {
        var network = await _fixture.CreateNetworkAsync();
        var pid = await _fixture.StartIsolatedAsync();
        var id = _fixture.NewContainerId();
        var endpoint = Assert.Single(await _fixture.Networks.AttachAsync(
            new ContainerAttachment(id, "web", "webhost", "", pid, [new EndpointSpec(network.Id, [])], [new HostPortMapping(8000, "tcp", "", 0)]),
            CancellationToken.None));

        // As if the daemon died after the plugins ran but before it recorded their result.
        EndpointTable.Load(StoreOf()).Update(endpoint with { Phase = EndpointPhase.Adding, CniResult = "" });
        var restarted = _fixture.Restart();
        await restarted.RecoverAsync(CancellationToken.None);

        Assert.Empty(restarted.EndpointsOf(id));
        Assert.DoesNotContain(endpoint.Address, _fixture.Allocated(network));
        var rules = await IptablesAsync();
        Assert.DoesNotContain(id, rules, StringComparison.Ordinal);
        Assert.DoesNotContain(endpoint.Address + "/", rules, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachAsync_ProcessInTheHostsNamespace_RefusedAndNothingRecorded()
    {
        var network = await _fixture.CreateNetworkAsync();
        var id = _fixture.NewContainerId();

        await Assert.ThrowsAsync<Engine.Errors.PreconditionException>(() => _fixture.Networks.AttachAsync(
            new ContainerAttachment(id, "web", "webhost", "", Environment.ProcessId, [new EndpointSpec(network.Id, [])], []), CancellationToken.None));

        Assert.Empty(_fixture.Networks.EndpointsOf(id));
        Assert.Empty(_fixture.Allocated(network));
    }

    private Engine.Store.MetadataStore StoreOf() =>
        Engine.Store.MetadataStore.Open(Path.Combine(_fixture.Directory, "minato.db"), NetworkSchema.Module);

    private static string Resolve(string hosts, string name) =>
        hosts.Split('\n').Select(l => l.Split('\t')).First(f => f.Length == 2 && f[1].Split(' ').Contains(name))[0];

    private static async Task<string> IptablesAsync()
    {
        var filter = await CommandResult.RunAsync("iptables-save", [], TimeSpan.FromSeconds(30));
        return filter.Stdout;
    }

    private static async Task<string> ReadFromAsync(string address, int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(address, port, timeout.Token);
        using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
        return await reader.ReadToEndAsync(timeout.Token);
    }

    private static async Task AnswerOnceAsync(TcpListener listener)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        await client.GetStream().WriteAsync("hello from host"u8.ToArray(), timeout.Token);
    }
}
