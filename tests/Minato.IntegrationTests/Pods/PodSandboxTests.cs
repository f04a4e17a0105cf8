using System.Text.Json;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Pods;

/// <summary>Pod sandboxes on a real daemon with Debian's CNI plugins (bridge, host-local, portmap).</summary>
public sealed class PodSandboxTests : IAsyncLifetime
{
    private TestNetwork _network = null!;
    private MinatoDaemon _daemon = null!;

    public async Task InitializeAsync()
    {
        _network = TestNetwork.Create();
        _daemon = await MinatoDaemon.StartAsync("--cni-config-dir", _network.ConfigDir);
    }

    public async Task DisposeAsync()
    {
        foreach (var pod in (await _daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
        {
            await _daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
        }

        await _daemon.DisposeAsync();
        await _network.DisposeAsync();
    }

    [Fact]
    public async Task RunPodSandbox_KubeletConfig_IsReadyWithAnIpHostnameLoopbackAndFiles()
    {
        var config = PodConfigs.Kubelet();

        var id = (await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config })).PodSandboxId;

        var status = await _daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id, Verbose = true });
        Assert.Equal(PodSandboxState.SandboxReady, status.Status.State);
        Assert.StartsWith(_network.Subnet[..^4], status.Status.Network.Ip, StringComparison.Ordinal);
        Assert.Equal(config.Metadata.Name, status.Status.Metadata.Name);
        Assert.Equal("", status.Status.RuntimeHandler); // as asked: empty means the default, which it runs with
        Assert.Equal(config.Metadata.Name, status.Status.Labels["app"]);
        using var info = JsonDocument.Parse(status.Info["info"]);
        Assert.Equal("runc", info.RootElement.GetProperty("runtimeHandler").GetString());
        var netns = info.RootElement.GetProperty("netnsPath").GetString()!;
        var dir = info.RootElement.GetProperty("directory").GetString()!;
        Assert.Equal(config.Hostname, (await Nsenter("--uts=" + Path.Combine(dir, "ns", "uts"), "hostname")).Trim());
        Assert.Contains("UP", await Nsenter("--net=" + netns, "ip", "-o", "link", "show", "lo"), StringComparison.Ordinal);
        Assert.Contains("eth0", await Nsenter("--net=" + netns, "ip", "-o", "addr", "show"), StringComparison.Ordinal);
        Assert.Equal(config.Hostname + "\n", await File.ReadAllTextAsync(Path.Combine(dir, "hostname")));
        Assert.Equal("search it.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n", await File.ReadAllTextAsync(Path.Combine(dir, "resolv.conf")));
        Assert.Contains($"{status.Status.Network.Ip}\t{config.Hostname}", await File.ReadAllTextAsync(Path.Combine(dir, "hosts")), StringComparison.Ordinal);
        Assert.Contains(dir + "/shm", await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
        Assert.Contains(status.Status.Network.Ip, _network.AllocatedAddresses());
    }

    [Fact]
    public async Task TwoPods_SameNetwork_ReachEachOther()
    {
        var a = await RunAsync(PodConfigs.Kubelet());
        var b = await RunAsync(PodConfigs.Kubelet());
        using var server = StartHttpServer(b.Netns, 8080, "hello from b");

        var body = await RetryAsync(() => Nsenter("--net=" + a.Netns, "busybox", "wget", "-q", "-O", "-", $"http://{b.Ip}:8080/index.html"));

        Assert.Equal("hello from b", body.Trim());
    }

    [Fact]
    public async Task PortMapping_HostPort_ReachesAServerInThePod()
    {
        var hostPort = 20000 + Random.Shared.Next(10000);
        var config = PodConfigs.Kubelet();
        config.PortMappings.Add(new PortMapping { Protocol = Protocol.Tcp, ContainerPort = 80, HostPort = hostPort });
        var pod = await RunAsync(config);
        using var server = StartHttpServer(pod.Netns, 80, "served through portmap");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var body = await RetryAsync(() => http.GetStringAsync(new Uri($"http://{_network.Gateway}:{hostPort}/index.html")));

        Assert.Equal("served through portmap", body.Trim());
    }

    [Fact]
    public async Task Sysctls_Namespaced_AreAppliedInsideThePodOnly()
    {
        var host = (await File.ReadAllTextAsync("/proc/sys/net/ipv4/ip_unprivileged_port_start")).Trim();
        var config = PodConfigs.Kubelet();
        config.Linux.Sysctls.Add("net.ipv4.ip_unprivileged_port_start", "0");
        config.Linux.Sysctls.Add("kernel.shm_rmid_forced", "1");

        var pod = await RunAsync(config);

        Assert.Equal("0", (await Nsenter("--net=" + pod.Netns, "cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start")).Trim());
        Assert.Equal("1", (await Nsenter("--ipc=" + Path.Combine(pod.Directory, "ns", "ipc"), "cat", "/proc/sys/kernel/shm_rmid_forced")).Trim());
        Assert.Equal(host, (await File.ReadAllTextAsync("/proc/sys/net/ipv4/ip_unprivileged_port_start")).Trim());
    }

    [Theory]
    [InlineData("kernel.core_pattern", "core", "not namespaced")]
    [InlineData("net.ipv4.ip_local_port_range", "1024 65000'+'kernel.core_pattern=|/x", "may only contain")]
    [InlineData("net/ipv4/ip_forward", "1", "a key is dot-separated")]
    [InlineData("net.ipv4.no_such_sysctl", "1", "does not exist on this kernel")]
    public async Task Sysctls_Rejected_AreInvalidArgumentAndLeaveNothing(string key, string value, string message)
    {
        var config = PodConfigs.Kubelet();
        config.Linux.Sysctls.Add(key, value);

        var e = await Assert.ThrowsAsync<RpcException>(async () => await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config }));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
        await AssertNoPodLeftAsync();
    }

    [Fact]
    public async Task RunPodSandbox_UnknownRuntimeHandler_IsInvalidArgumentAndCreatesNothing()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = PodConfigs.Kubelet(), RuntimeHandler = "kata" }));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        await AssertNoPodLeftAsync();
    }

    [Fact]
    public async Task RunPodSandbox_NoMetadata_IsInvalidArgument()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = new PodSandboxConfig() }));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public async Task StopAndRemove_Repeated_SucceedAndReleaseEverything()
    {
        var pod = await RunAsync(PodConfigs.Kubelet());

        await _daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod.Id });
        await _daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod.Id });
        var stopped = await _daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = pod.Id });
        Assert.Equal(PodSandboxState.SandboxNotready, stopped.Status.State);
        Assert.DoesNotContain(pod.Ip, _network.AllocatedAddresses());

        await _daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
        await _daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
        await _daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod.Id });

        var e = await Assert.ThrowsAsync<RpcException>(async () => await _daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = pod.Id }));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        await AssertNoPodLeftAsync();
    }

    [Fact]
    public async Task PodPidNamespace_HasACatatonitInitThatStopEnds()
    {
        var pod = await RunAsync(PodConfigs.Kubelet(pid: NamespaceMode.Pod));
        var init = pod.Info.RootElement.GetProperty("pidNamespaceInit").GetInt32();

        Assert.Contains("catatonit", await File.ReadAllTextAsync($"/proc/{init}/cmdline"), StringComparison.Ordinal);
        Assert.EndsWith("\t1", File.ReadLines($"/proc/{init}/status").First(l => l.StartsWith("NSpid:", StringComparison.Ordinal)), StringComparison.Ordinal);

        await _daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod.Id });

        await RetryAsync(() => Task.FromResult(File.Exists($"/proc/{init}/cmdline") && File.ReadAllText($"/proc/{init}/cmdline").Contains("catatonit", StringComparison.Ordinal) ? throw new InvalidOperationException("init still running") : "gone"));
    }

    [Fact]
    public async Task HostNetworkPod_UsesTheHostNamespacesAndHasNoPodIp()
    {
        var config = PodConfigs.Kubelet();
        config.Linux.SecurityContext.NamespaceOptions.Network = NamespaceMode.Node;
        config.Linux.SecurityContext.NamespaceOptions.Ipc = NamespaceMode.Node;
        config.Hostname = ""; // the kubelet sends none for a host-network pod

        var id = (await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config })).PodSandboxId;

        var status = await _daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id, Verbose = true });
        Assert.Equal(PodSandboxState.SandboxReady, status.Status.State);
        Assert.Equal(string.Empty, status.Status.Network.Ip);
        Assert.Equal(NamespaceMode.Node, status.Status.Linux.Namespaces.Options.Network);
        Assert.Empty(_network.AllocatedAddresses());
    }

    [Fact]
    public async Task RunPodSandbox_SameMetadataConcurrently_CreatesOnePod()
    {
        var config = PodConfigs.Kubelet();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            try
            {
                return (await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config })).PodSandboxId;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
            {
                return null;
            }
        }));

        Assert.Single(results, r => r is not null);
        Assert.Single((await _daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
        Assert.Single(_network.AllocatedAddresses());
    }

    [Fact]
    public async Task ListPodSandbox_Filters_ByStateLabelAndIdPrefix()
    {
        var a = await RunAsync(PodConfigs.Kubelet());
        var b = await RunAsync(PodConfigs.Kubelet());
        await _daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = b.Id });

        var ready = await List(new PodSandboxFilter { State = new PodSandboxStateValue { State = PodSandboxState.SandboxReady } });
        var byLabel = await List(new PodSandboxFilter { LabelSelector = { ["app"] = b.Name } });
        var byPrefix = await List(new PodSandboxFilter { Id = a.Id[..12] });

        Assert.Equal([a.Id], ready);
        Assert.Equal([b.Id], byLabel);
        Assert.Equal([a.Id], byPrefix);
    }

    private async Task<List<string>> List(PodSandboxFilter filter) =>
        (await _daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest { Filter = filter })).Items.Select(p => p.Id).ToList();

    private async Task<RunningPod> RunAsync(PodSandboxConfig config)
    {
        var id = (await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config })).PodSandboxId;
        var status = await _daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id, Verbose = true });
        return new RunningPod(id, config.Metadata.Name, status.Status.Network.Ip, JsonDocument.Parse(status.Info["info"]));
    }

    private async Task AssertNoPodLeftAsync()
    {
        Assert.Empty((await _daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
        var pods = Path.Combine(_daemon.State, "pods");
        Assert.True(!Directory.Exists(pods) || Directory.GetFileSystemEntries(pods).Length == 0);
        Assert.DoesNotContain(_daemon.State + "/pods/", await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
        Assert.Empty(_network.AllocatedAddresses());
    }

    private static async Task<string> Nsenter(params string[] args)
    {
        var result = await CommandResult.RunAsync("nsenter", args, TimeSpan.FromSeconds(20));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    private static BackgroundProcess StartHttpServer(string netns, int port, string content)
    {
        var root = Directory.CreateTempSubdirectory("minato-httpd-").FullName;
        File.WriteAllText(Path.Combine(root, "index.html"), content + "\n");
        return BackgroundProcess.Start("nsenter", "--net=" + netns, "busybox", "httpd", "-f", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-h", root);
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (Exception) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    private sealed record RunningPod(string Id, string Name, string Ip, JsonDocument Info)
    {
        public string Netns => Info.RootElement.GetProperty("netnsPath").GetString()!;

        public string Directory => Info.RootElement.GetProperty("directory").GetString()!;
    }
}
