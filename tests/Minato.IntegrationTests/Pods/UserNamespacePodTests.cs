using System.Text.Json;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Pods;

/// <summary>Pods with <c>hostUsers: false</c> (KEP-127) through the daemon, real runc 1.1.5, conmon, overlayfs and CNI: the
/// pod's pinned user namespace owns its other namespaces, every container joins it, and the rootfs layers and bind
/// volumes are id-mapped by the daemon.</summary>
public sealed partial class UserNamespacePodTests : IAsyncLifetime
{
    /// <summary>What the kubelet sends: container id 0, a host id that is a multiple of 65536, length 65536.</summary>
    private const uint HostBase = 65536 * 7;

    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-userns-").FullName;
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private MinatoDaemon _daemon = null!;
    private string _busybox = null!;
    private readonly List<PodSandboxConfig> _pods = [];

    private string Home => Path.Combine(_dir, "d");

    private string Volume => Path.Combine(_dir, "volume");

    /// <summary>The daemon's only CDI spec directory.</summary>
    private string CdiDirectory => Path.Combine(_dir, "cdi");

    public async Task InitializeAsync()
    {
        // The daemon's state root is 0711 so that a pod's mapped root can reach its rootfs; the temporary directory above it
        // must let it through too.
        File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        _registry = await RegistryFixture.StartAsync();
        await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "library/busybox:1.36");
        _network = TestNetwork.Create();
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Volume);
        Directory.CreateDirectory(CdiDirectory);
        await File.WriteAllTextAsync(Path.Combine(_dir, "minato.toml"), $"cdi_spec_dirs = [\"{CdiDirectory}\"]\n");
        _daemon = await StartAsync();
        _busybox = $"{_registry.Host}/library/busybox:1.36";
        await _daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = _busybox } });
    }

    public async Task DisposeAsync()
    {
        foreach (var pod in (await _daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
        {
            await _daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
        }

        await _daemon.DisposeAsync();
        await _network.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
        foreach (var pod in _pods.Where(p => Directory.Exists(p.LogDirectory)))
        {
            Directory.Delete(pod.LogDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Status_RuncHandler_ReportsUserNamespacesAndAHandlerWithoutFeaturesDoesNot()
    {
        var status = await _daemon.Runtime.StatusAsync(new StatusRequest());

        // runc lists the user namespace in `runc features`; this host's crun has no features command, so it is not
        // known to join one and is reported without.
        Assert.True(status.RuntimeHandlers.Single(h => h.Name == "runc").Features.UserNamespaces);
        if (status.RuntimeHandlers.SingleOrDefault(h => h.Name == "crun") is { } crun)
        {
            var features = await CommandResult.RunAsync("crun", ["features"], TimeSpan.FromSeconds(10));
            Assert.Equal(features.ExitCode == 0 && features.Stdout.Contains("\"user\"", StringComparison.Ordinal), crun.Features.UserNamespaces);
        }
    }

    [SkippableFact]
    public async Task RunPodSandbox_UsernsOnHandlerWithoutSupport_IsInvalidArgument()
    {
        var status = await _daemon.Runtime.StatusAsync(new StatusRequest());
        var without = status.RuntimeHandlers.FirstOrDefault(h => h.Name.Length > 0 && !h.Features.UserNamespaces);
        Skip.If(without is null, "every configured handler runs user-namespaced pods here");
        var pod = Pod();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod, RuntimeHandler = without!.Name }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"runtime handler {without!.Name} does not run pods in a user namespace", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsernsPod_ContainerRoot_IsZeroInsideAndTheMappedUidOnTheHost()
    {
        var (podId, pod) = await RunPodAsync();
        var id = await CreateAsync(podId, pod, Container("long", "sh", "-c", "id -u; sleep 300"));
        await _daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });

        var pid = await PidAsync(id);
        var hostStatus = await File.ReadAllLinesAsync($"/proc/{pid}/status");
        Assert.Equal($"Uid:\t{HostBase}\t{HostBase}\t{HostBase}\t{HostBase}", hostStatus.Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)));
        Assert.Equal($"Gid:\t{HostBase}\t{HostBase}\t{HostBase}\t{HostBase}", hostStatus.Single(l => l.StartsWith("Gid:", StringComparison.Ordinal)));

        // exec joins the same namespace; the image's files are root's inside although nothing was chowned on disk.
        var exec = await ExecAsync(id, "sh", "-c", "id -u; id -g; cat /proc/self/uid_map; stat -c '%u:%g' /bin/busybox /; touch /made && stat -c '%u' /made");
        Assert.Equal(["0", "0", $"0 {HostBase} 65536", "0:0", "0:0", "0"], Lines(exec));

        // The writable layer is not id-mapped (overlayfs cannot create its work files through an id-mapped upper layer as
        // host root): what container root writes to its rootfs lands in the upper directory as the mapped host ids.
        Assert.Equal($"{HostBase}:{HostBase}", await StatAsync(Path.Combine(_daemon.Root, "containers", id, "upper", "made")));

        // logs and stats of such a container work like any other's.
        var status = (await _daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;
        Assert.Contains(" stdout F 0", await File.ReadAllTextAsync(status.LogPath), StringComparison.Ordinal);
        var stats = (await _daemon.Runtime.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = id })).Stats;
        Assert.True(stats.Memory.WorkingSetBytes.Value > 0);

        // The pod's other containers join the same namespace.
        var second = await RunToExitAsync(podId, pod, Container("second", "sh", "-c", "echo $(cat /proc/self/uid_map); readlink /proc/self/ns/user"));
        var firstNs = Lines(await ExecAsync(id, "readlink", "/proc/self/ns/user"))[0];
        Assert.Equal([$"0 {HostBase} 65536", firstNs], second);
    }

    [Fact]
    public async Task UsernsPod_AttachAndPortForward_ReachTheContainerInsideTheNamespacesItsPodOwns()
    {
        var (podId, pod) = await RunPodAsync();
        var config = Container("served", "sh", "-c", "mkdir -p /www && echo userns-page > /www/index.html && httpd -p 127.0.0.1:8080 -h /www && read line && echo got:$line");
        config.Stdin = true;
        config.StdinOnce = true;
        var id = await CreateAsync(podId, pod, config);
        await _daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });

        // httpd listens a moment after the container starts; port-forward dials from inside the pod's network namespace.
        var (data, error) = (string.Empty, "not tried");
        for (var attempt = 0; attempt < 100 && error.Length > 0; attempt++)
        {
            (data, error) = await PortForwardGetAsync(podId, 8080);
            if (error.Length > 0)
            {
                await Task.Delay(100);
            }
        }

        var url = (await _daemon.Runtime.AttachAsync(new AttachRequest { ContainerId = id, Stdin = true, Stdout = true, Stderr = true })).Url;
        await using var attach = await Streaming.SpdyCommand.OpenAsync(url, stdin: true, stdout: true, stderr: true, tty: false);
        await attach.Stdin!.WriteAsync("userns\n", fin: true);
        var output = await attach.Stdout!.ReadTextToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(string.Empty, error);
        Assert.EndsWith("userns-page\n", data, StringComparison.Ordinal);
        Assert.Equal("got:userns\n", output);
    }

    [Fact]
    public async Task HostPathVolume_WritesByContainerRoot_LandOnTheHostAsTheUnmappedIds()
    {
        var outside = Path.Combine(Volume, "outside");
        await File.WriteAllTextAsync(outside, "host\n");
        File.SetUnixFileMode(outside, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await ChownAsync(outside, "200000:200000");
        var (podId, pod) = await RunPodAsync();
        var config = Container("volume", "sh", "-c",
            "stat -c 'dir=%u:%g' /data; touch /data/created && echo created; stat -c 'outside=%u' /data/outside; " +
            "(echo x >> /data/outside) 2>/dev/null && echo outside=writable || echo outside=refused; " +
            "mknod /tmp/disk b 8 0 2>/dev/null && echo mknod=allowed || echo mknod=refused");
        config.Mounts.Add(new Mount { ContainerPath = "/data", HostPath = Volume });

        var output = await RunToExitAsync(podId, pod, config);

        // The bind is id-mapped through the pod's namespace: host root's directory is container root's, and what container
        // root (host uid HostBase) creates there is owned by 0 on disk, not by HostBase.
        Assert.Equal(["dir=0:0", "created", "outside=65534", "outside=refused", "mknod=refused"], output);
        var created = await StatAsync(Path.Combine(Volume, "created"));
        Assert.Equal("0:0", created);
        Assert.Equal("host\n", await File.ReadAllTextAsync(outside));
    }

    [Fact]
    public async Task ImageVolume_InUsernsPod_IsAnOverlayOfIdMappedLayersOwnedByContainerRoot()
    {
        var (podId, pod) = await RunPodAsync();
        var config = Container("image-volume", "sh", "-c",
            "stat -c '%u:%g' /image/bin/busybox; cat /image/etc/passwd >/dev/null && echo read=ok; touch /image/x 2>/dev/null && echo write=allowed || echo write=refused");
        config.Mounts.Add(new Mount { ContainerPath = "/image", Image = new ImageSpec { Image = _busybox } });

        var output = await RunToExitAsync(podId, pod, config);

        Assert.Equal(["0:0", "read=ok", "write=refused"], output);
    }

    [Fact]
    public async Task UsernsPod_SysctlAndNetwork_WorkInsideTheNamespacesItOwns()
    {
        var (podId, pod) = await RunPodAsync(p => p.Linux.Sysctls.Add("net.ipv4.ip_unprivileged_port_start", "80"));
        var podStatus = (await _daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = podId })).Status;
        Assert.NotEmpty(podStatus.Network.Ip);

        using var listener = new System.Net.Sockets.TcpListener(_network.Gateway, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = ReadLineAsync(listener);

        var output = await RunToExitAsync(podId, pod, Container("net", "sh", "-c",
            $"cat /proc/sys/net/ipv4/ip_unprivileged_port_start; ip -4 -o addr show eth0 | grep -q ' {podStatus.Network.Ip}/' && echo addr=ok; " +
            $"echo from-pod | nc -w 5 {_network.Gateway} {port} && echo tcp=ok; hostname; ls /dev/mqueue >/dev/null && echo mqueue=ok; " +
            "touch /dev/shm/x && echo shm=ok; test -r /sys/kernel/uevent_seqnum && echo sys=ok; test -d /sys/fs/cgroup/memory && echo cgroup=ok"));

        Assert.Equal(["80", "addr=ok", "tcp=ok", pod.Hostname, "mqueue=ok", "shm=ok", "sys=ok", "cgroup=ok"], output);
        Assert.Equal("from-pod", await accepted.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task DaemonKilled_UsernsPodKeepsItsNamespaceAndTeardownUnpinsIt()
    {
        var (podId, pod) = await RunPodAsync();
        var before = (await RunToExitAsync(podId, pod, Container("before", "readlink", "/proc/self/ns/user"))).Single();
        var pin = Path.Combine(_daemon.State, "pods", podId, "ns", "user");
        Assert.True(IsMounted(pin));

        ProcessSignals.Send(_daemon.ProcessId, ProcessSignals.SigKill);
        await _daemon.DisposeAsync();
        _daemon = await StartAsync();

        var status = (await _daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = podId })).Status;
        Assert.Equal(PodSandboxState.SandboxReady, status.State);
        Assert.Equal(NamespaceMode.Pod, status.Linux.Namespaces.Options.UsernsOptions.Mode);
        Assert.Equal(HostBase, status.Linux.Namespaces.Options.UsernsOptions.Uids.Single().HostId);
        var after = await RunToExitAsync(podId, pod, Container("after", "sh", "-c", "readlink /proc/self/ns/user; id -u"));
        Assert.Equal([before, "0"], after);

        await _daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId });
        Assert.False(IsMounted(pin));
        Assert.False(Directory.Exists(Path.Combine(_daemon.State, "pods", podId)));
    }

    public static TheoryData<string, Action<UserNamespace>> BadOptions => new()
    {
        { "ranges overlap on container_id", u => u.Uids.Add(new IDMapping { ContainerId = 100, HostId = HostBase * 2, Length = 10 }) },
        { "ranges overlap on host_id", u => u.Gids.Add(new IDMapping { ContainerId = 70000, HostId = HostBase + 10, Length = 10 }) },
        { "has length 0", u => u.Uids[0].Length = 0 },
        { "must be empty with mode NODE", u => u.Mode = NamespaceMode.Node },
        { "mode TARGET is not supported", u => u.Mode = NamespaceMode.Target },
        { "overflows 32-bit ids", u => u.Uids[0].HostId = uint.MaxValue - 100 },
        { "has 341 ranges; the kernel accepts at most 340", u =>
            {
                u.Uids.Clear();
                u.Uids.AddRange(Enumerable.Range(0, 341).Select(i => new IDMapping { ContainerId = (uint)i, HostId = HostBase + (uint)i, Length = 1 }));
            }
        },
        { "uids is required with mode POD", u => u.Uids.Clear() },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task RunPodSandbox_BadUserNamespaceOptions_IsInvalidArgumentNamingTheField(string expected, Action<UserNamespace> spoil)
    {
        var pod = Pod();
        spoil(pod.Linux.SecurityContext.NamespaceOptions.UsernsOptions);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("namespace_options.userns_options", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await _daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
    }

    [Fact]
    public async Task RunPodSandbox_UserNamespaceWithHostNetwork_IsInvalidArgument()
    {
        var pod = Pod();
        pod.Linux.SecurityContext.NamespaceOptions.Network = NamespaceMode.Node;
        pod.Hostname = string.Empty;

        var error = await Assert.ThrowsAsync<RpcException>(async () => await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("needs the pod's own network namespace", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateContainer_MappingsDifferFromThePods_IsInvalidArgumentAndNothingIsLeft()
    {
        var (podId, pod) = await RunPodAsync();
        var config = Container("differs", "true");
        var options = Options();
        options.UsernsOptions.Uids[0].HostId = HostBase * 2;
        config.Linux.SecurityContext.NamespaceOptions = options;

        var error = await Assert.ThrowsAsync<RpcException>(async () => await CreateAsync(podId, pod, config));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("namespace_options.userns_options of container differs", error.Status.Detail.Replace("differ from", "differs", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Empty((await _daemon.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
    }

    private static async Task<string?> ReadLineAsync(System.Net.Sockets.TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        using var reader = new StreamReader(client.GetStream());
        return await reader.ReadLineAsync();
    }

    private Task<MinatoDaemon> StartAsync() => MinatoDaemon.StartInAsync(Home, "--cni-config-dir", _network.ConfigDir, "--config", Path.Combine(_dir, "minato.toml"));

    private static NamespaceOption Options()
    {
        var userns = new UserNamespace { Mode = NamespaceMode.Pod };
        userns.Uids.Add(new IDMapping { ContainerId = 0, HostId = HostBase, Length = 65536 });
        userns.Gids.Add(new IDMapping { ContainerId = 0, HostId = HostBase, Length = 65536 });
        return new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod, UsernsOptions = userns };
    }

    private PodSandboxConfig Pod()
    {
        var pod = PodConfigs.Kubelet();
        pod.Linux.SecurityContext.NamespaceOptions = Options();
        _pods.Add(pod);
        return pod;
    }

    private async Task<(string Id, PodSandboxConfig Config)> RunPodAsync(Action<PodSandboxConfig>? change = null)
    {
        var pod = Pod();
        change?.Invoke(pod);
        return ((await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod })).PodSandboxId, pod);
    }

    /// <summary>A container config as the kubelet sends it for such a pod: the pod's namespace options again.</summary>
    private static ContainerConfig Container(string name, params string[] command)
    {
        var config = ContainerPodFixture.Config(name, command);
        config.Linux.SecurityContext.NamespaceOptions = Options();
        return config;
    }

    private async Task<string> CreateAsync(string podId, PodSandboxConfig pod, ContainerConfig config)
    {
        config.Image = new ImageSpec { Image = _busybox };
        return (await _daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod })).ContainerId;
    }

    /// <summary>Runs the container to its exit and returns its stdout lines; it is removed afterwards.</summary>
    private async Task<IReadOnlyList<string>> RunToExitAsync(string podId, PodSandboxConfig pod, ContainerConfig config)
    {
        var id = await CreateAsync(podId, pod, config);
        try
        {
            await _daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
            var deadline = DateTime.UtcNow.AddSeconds(60);
            ContainerStatus status;
            while ((status = (await _daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status).State != ContainerState.ContainerExited)
            {
                Assert.True(DateTime.UtcNow < deadline, $"container {id} still {status.State} after 60s");
                await Task.Delay(50);
            }

            var run = new ContainerRun(status, ContainerPodFixture.ParseLog(await File.ReadAllLinesAsync(status.LogPath)));
            Assert.True(status.ExitCode == 0, $"exit {status.ExitCode}: {string.Join('\n', run.Lines("stdout").Concat(run.Lines("stderr")))}");
            return run.Stdout;
        }
        finally
        {
            await _daemon.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        }
    }

    /// <summary>One port-forward session over SPDY with GET / on <paramref name="port"/>: the data and error streams' text.</summary>
    private async Task<(string Data, string Error)> PortForwardGetAsync(string podId, int port)
    {
        var url = (await _daemon.Runtime.PortForwardAsync(new PortForwardRequest { PodSandboxId = podId, Port = { port } })).Url;
        await using var client = await Minato.Testing.Streaming.SpdyTestClient.ConnectAsync(new Uri(url), ["portforward.k8s.io"]);
        var error = await client.OpenStreamAsync("error", ("port", $"{port}"), ("requestid", "0"));
        var data = await client.OpenStreamAsync("data", ("port", $"{port}"), ("requestid", "0"));
        await data.WriteAsync("GET / HTTP/1.0\r\n\r\n");
        var timeout = TimeSpan.FromSeconds(30);
        return (await data.ReadTextToEndAsync().WaitAsync(timeout), await error.ReadTextToEndAsync().WaitAsync(timeout));
    }

    private async Task<ExecSyncResponse> ExecAsync(string id, params string[] command)
    {
        var request = new ExecSyncRequest { ContainerId = id, Timeout = 20 };
        request.Cmd.AddRange(command);
        var response = await _daemon.Runtime.ExecSyncAsync(request);
        Assert.True(response.ExitCode == 0, $"exec exit {response.ExitCode}: {response.Stderr.ToStringUtf8()}");
        return response;
    }

    private static string[] Lines(ExecSyncResponse response) =>
        response.Stdout.ToStringUtf8().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();

    private async Task<JsonElement> InfoAsync(string id)
    {
        var status = await _daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true });
        using var info = JsonDocument.Parse(status.Info["info"]);
        return info.RootElement.Clone();
    }

    private async Task<int> PidAsync(string id) => (await InfoAsync(id)).GetProperty("pid").GetInt32();

    private static async Task ChownAsync(string path, string owner)
    {
        var result = await CommandResult.RunAsync("chown", [owner, path], TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    private static async Task<string> StatAsync(string path)
    {
        var result = await CommandResult.RunAsync("stat", ["-c", "%u:%g", path], TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout.Trim();
    }

    private static bool IsMounted(string path) =>
        File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ') is { Length: > 4 } f && f[4] == path);
}
