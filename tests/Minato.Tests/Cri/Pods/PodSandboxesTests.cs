using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Minato.Cri;
using Minato.Cri.Pods;
using Minato.Engine.Errors;
using Minato.Engine.Network;
using Minato.Engine.Store;
using Minato.Testing.Fakes;

namespace Minato.Tests.Cri.Pods;

/// <summary>The sandbox state machine on fakes at the OS seams (no root, no real namespaces or plugins).</summary>
public sealed class PodSandboxesTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeNamespaces _namespaces = new();
    private readonly FakeMounts _mounts = new();
    private readonly FakeCniExecutor _cni = new();
    private readonly MetadataStore _metadata;
    private PodSandboxes _pods;

    public PodSandboxesTests()
    {
        foreach (var plugin in new[] { "bridge", "portmap" })
        {
            File.SetUnixFileMode(_dir.Write($"bin/{plugin}", "#!/bin/sh\n"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        _dir.Write("net.d/10-pods.conflist", """{"cniVersion":"1.0.0","name":"pods","plugins":[{"type":"bridge"},{"type":"portmap","capabilities":{"portMappings":true}}]}""");
        _metadata = MetadataStore.Open(_dir.Combine("root", "minato.db"), CriSchema.Module);
        _pods = Create();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private static SandboxConfig Config(string name = "web", uint attempt = 0) => new()
    {
        Metadata = new SandboxMetadata(name, "uid-" + name, "default", attempt),
        Hostname = name,
        PortMappings = [new PortMapping(PortProtocol.Tcp, 80, 8080, string.Empty)],
        Labels = new Dictionary<string, string> { ["app"] = name },
    };

    [Fact]
    public async Task RunAsync_PrivateNamespaces_PinsMountsWritesFilesAndAttaches()
    {
        var pod = await _pods.RunAsync(Config() with { Namespaces = new(NamespaceMode.Pod, NamespaceMode.Pod, NamespaceMode.Pod) }, CancellationToken.None);

        Assert.Equal(SandboxPhase.Ready, pod.Phase);
        Assert.Equal(["ipc", "net", "pid", "uts"], pod.NamespacePaths.Keys.Order());
        Assert.All(pod.NamespacePaths.Values, p => Assert.True(_namespaces.IsPinned(p)));
        Assert.Equal("web", _namespaces.Hostnames[pod.NamespacePaths["uts"]]);
        Assert.NotNull(pod.InitPid);
        Assert.True(_mounts.Mounted.ContainsKey(pod.ShmPath!));
        Assert.Equal(["10.99.0.3"], pod.Network!.Ips);
        Assert.Contains("10.99.0.3\tweb", File.ReadAllText(Path.Combine(pod.Directory, "hosts")), StringComparison.Ordinal);
        Assert.Equal("web\n", File.ReadAllText(Path.Combine(pod.Directory, "hostname")));
        Assert.Equal(pod.NetnsPath, _cni.Calls.First().Environment["CNI_NETNS"]);
    }

    [Fact]
    public async Task RunAsync_HostNetworkAndIpc_CreatesNoNamespacesAndRunsNoCni()
    {
        // No hostname, as the kubelet sends host-network pods.
        var pod = await _pods.RunAsync(Config() with { Hostname = "", Namespaces = new(NamespaceMode.Node, NamespaceMode.Node, NamespaceMode.Node) }, CancellationToken.None);

        Assert.Empty(pod.NamespacePaths);
        Assert.Null(pod.Network);
        Assert.Null(pod.ShmPath);
        Assert.Empty(_cni.Calls);
        Assert.Equal(Environment.MachineName, pod.Hostname);
    }

    [Fact]
    public async Task RunAsync_EmptyRuntimeHandler_RunsWithTheDefaultAndKeepsTheRequestAcrossRestart()
    {
        var pod = await _pods.RunAsync(Config(), CancellationToken.None);

        var stored = Assert.Single(SandboxStore.Load(_metadata).All);
        Assert.Equal(("runc", ""), (pod.RuntimeHandler, pod.RequestedRuntimeHandler));
        Assert.Equal(("runc", ""), (stored.RuntimeHandler, stored.RequestedRuntimeHandler));
    }

    [Fact]
    public async Task RunAsync_CniAddFails_LeavesNoRecordPinMountDirectoryOrAddress()
    {
        _cni.Failures[("portmap", "ADD")] = "hostport 8080 taken";

        var e = await Assert.ThrowsAsync<CniException>(() => _pods.RunAsync(Config(), CancellationToken.None));

        Assert.Contains("hostport 8080 taken", e.Message, StringComparison.Ordinal);
        AssertNothingLeft();
        Assert.Contains(_cni.Calls, c => c.Command == "DEL");
    }

    [Fact]
    public async Task RunAsync_RollbackFailedBefore_NextRunWithTheNameReclaimsIt()
    {
        _cni.Failures[("portmap", "ADD")] = "hostport taken";
        _cni.Failures[("bridge", "DEL")] = "netlink busy";
        await Assert.ThrowsAsync<CniException>(() => _pods.RunAsync(Config(), CancellationToken.None));
        Assert.Single(SandboxStore.Load(_metadata).All);
        Assert.Empty(_pods.List(new SandboxFilter(null, null, new Dictionary<string, string>())));

        _cni.Failures.Clear();
        var pod = await _pods.RunAsync(Config(), CancellationToken.None);

        Assert.Equal(pod.Id, Assert.Single(SandboxStore.Load(_metadata).All).Id);
        Assert.Single(_cni.Allocations);
    }

    [Fact]
    public async Task RunAsync_NamespaceCreationFails_LeavesNothing()
    {
        _namespaces.PinFailure = new IOException("unshare: operation not permitted");

        await Assert.ThrowsAsync<IOException>(() => _pods.RunAsync(Config(), CancellationToken.None));

        AssertNothingLeft();
    }

    [Fact]
    public async Task RunAsync_NoUsableNetwork_IsAPreconditionFailureAndLeavesNothing()
    {
        File.Delete(_dir.Combine("net.d", "10-pods.conflist"));

        var e = await Assert.ThrowsAsync<PreconditionException>(() => _pods.RunAsync(Config(), CancellationToken.None));

        Assert.Contains("pod network is not ready", e.Message, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task RunAsync_SameMetadataTwice_SecondIsAlreadyExistsAndTheFirstStays()
    {
        var first = await _pods.RunAsync(Config(), CancellationToken.None);

        var e = await Assert.ThrowsAsync<AlreadyExistsException>(() => _pods.RunAsync(Config(), CancellationToken.None));

        Assert.Contains(first.Id, e.Message, StringComparison.Ordinal);
        Assert.Single(_pods.List(new SandboxFilter(null, null, new Dictionary<string, string>())));
        Assert.True(_namespaces.IsPinned(first.NetnsPath!));
    }

    [Fact]
    public async Task RunAsync_SameMetadataConcurrently_CreatesExactlyOnePod()
    {
        var runs = Enumerable.Range(0, 8).Select(_ => Task.Run(() => _pods.RunAsync(Config(), CancellationToken.None))).ToList();

        var outcomes = await Task.WhenAll(runs.Select(async r =>
        {
            try
            {
                await r;
                return "ok";
            }
            catch (AlreadyExistsException)
            {
                return "exists";
            }
        }));

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.Single(_pods.List(new SandboxFilter(null, null, new Dictionary<string, string>())));
        Assert.Single(_cni.Allocations);
    }

    [Fact]
    public async Task RunAsync_UnknownRuntimeHandler_IsInvalidAndCreatesNothing()
    {
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => _pods.RunAsync(Config() with { RuntimeHandler = "kata" }, CancellationToken.None));

        Assert.Contains("runtime handler \"kata\" is not configured", e.Message, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task StopAsync_Twice_TearsDownOnceAndKeepsTheRecordNotReady()
    {
        var pod = await _pods.RunAsync(Config(), CancellationToken.None);

        await _pods.StopAsync(pod.Id, CancellationToken.None);
        await _pods.StopAsync(pod.Id, CancellationToken.None);

        var stopped = _pods.Get(pod.Id);
        Assert.Equal(SandboxPhase.NotReady, stopped.Phase);
        Assert.True(stopped.Network!.TornDown);
        Assert.Equal(1, _cni.Calls.Count(c => c.Command == "DEL" && c.Plugin == "bridge"));
        Assert.Empty(_namespaces.Pinned);
        Assert.Empty(_mounts.Mounted);
        Assert.Empty(_cni.Allocations);
    }

    [Fact]
    public async Task StopAsync_CniDelFailsEveryTime_FailsAndTheNextStopRetries()
    {
        var pod = await _pods.RunAsync(Config(), CancellationToken.None);
        _cni.Failures[("bridge", "DEL")] = "netlink busy";

        await Assert.ThrowsAsync<CniException>(() => _pods.StopAsync(pod.Id, CancellationToken.None));
        Assert.False(_pods.Get(pod.Id).Network!.TornDown);
        Assert.Equal(SandboxPhase.NotReady, _pods.Get(pod.Id).Phase);

        _cni.Failures.Clear();
        await _pods.StopAsync(pod.Id, CancellationToken.None);

        Assert.True(_pods.Get(pod.Id).Network!.TornDown);
        Assert.Empty(_cni.Allocations);
    }

    [Fact]
    public async Task RemoveAsync_RunningPod_RemovesEverythingAndIsIdempotent()
    {
        var pod = await _pods.RunAsync(Config(), CancellationToken.None);

        await _pods.RemoveAsync(pod.Id, CancellationToken.None);
        await _pods.RemoveAsync(pod.Id, CancellationToken.None);
        await _pods.StopAsync(pod.Id, CancellationToken.None);

        AssertNothingLeft();
        Assert.Throws<NotFoundException>(() => _pods.Get(pod.Id));
    }

    [Fact]
    public async Task List_Filters_ByIdPrefixStateAndLabels()
    {
        var a = await _pods.RunAsync(Config("a"), CancellationToken.None);
        var b = await _pods.RunAsync(Config("b"), CancellationToken.None);
        await _pods.StopAsync(b.Id, CancellationToken.None);
        var none = new Dictionary<string, string>();

        Assert.Equal([a.Id], _pods.List(new SandboxFilter(a.Id[..10], null, none)).Select(p => p.Id));
        Assert.Equal([a.Id], _pods.List(new SandboxFilter(null, true, none)).Select(p => p.Id));
        Assert.Equal([b.Id], _pods.List(new SandboxFilter(null, false, none)).Select(p => p.Id));
        Assert.Equal([b.Id], _pods.List(new SandboxFilter(null, null, new Dictionary<string, string> { ["app"] = "b" })).Select(p => p.Id));
        Assert.Empty(_pods.List(new SandboxFilter("ffffffff", null, none)));
        Assert.Equal(2, _pods.List(new SandboxFilter(null, null, none)).Count);
    }

    [Fact]
    public async Task RecoverAsync_AfterRestart_ReadyPodsStayReadyWithTheirIps()
    {
        var pod = await _pods.RunAsync(Config(), CancellationToken.None);

        _pods = Create();
        await _pods.RecoverAsync(CancellationToken.None);

        var recovered = _pods.Get(pod.Id);
        Assert.Equal(SandboxPhase.Ready, recovered.Phase);
        Assert.Equal(pod.Network!.Ips, recovered.Network!.Ips);
    }

    [Fact]
    public async Task RecoverAsync_NamespacesGone_MarksNotReadyAndStopStillTearsDown()
    {
        var pod = await _pods.RunAsync(Config(), CancellationToken.None);
        foreach (var path in pod.NamespacePaths.Values)
        {
            _namespaces.Unpin(path);
        }

        _pods = Create();
        await _pods.RecoverAsync(CancellationToken.None);

        Assert.Equal(SandboxPhase.NotReady, _pods.Get(pod.Id).Phase);
        await _pods.StopAsync(pod.Id, CancellationToken.None);
        Assert.Equal(string.Empty, _cni.Calls.Last(c => c.Command == "DEL").Environment["CNI_NETNS"]);
        Assert.Empty(_cni.Allocations);
    }

    [Fact]
    public async Task RecoverAsync_InterruptedCreate_IsUndone()
    {
        var store = SandboxStore.Load(_metadata);
        var directory = _dir.Combine("state", "pods", "deadbeef");
        Directory.CreateDirectory(Path.Combine(directory, "ns"));
        var net = Path.Combine(directory, "ns", "net");
        await _namespaces.PinNewAsync(new(new Dictionary<Minato.Engine.Linux.Namespaces.NamespaceKind, string> { [Minato.Engine.Linux.Namespaces.NamespaceKind.Net] = net }, null), CancellationToken.None);
        store.Insert(new PodSandbox
        {
            Id = "deadbeef",
            Config = Config("half"),
            RuntimeHandler = "runc",
            Phase = SandboxPhase.Creating,
            CreatedAt = 1,
            Directory = directory,
            NamespacePaths = new Dictionary<string, string> { ["net"] = net },
            Network = new SandboxNetwork("pods", File.ReadAllText(_dir.Combine("net.d", "10-pods.conflist")), null, [], false),
        });

        _pods = Create();
        await _pods.RecoverAsync(CancellationToken.None);

        AssertNothingLeft();
        Assert.Contains(_cni.Calls, c => c.Command == "DEL" && c.Environment["CNI_CONTAINERID"] == "deadbeef");
    }

    [Fact]
    public async Task RecoverAsync_DirectoryWithoutRecord_IsRemoved()
    {
        var orphan = _dir.Combine("state", "pods", "orphan");
        Directory.CreateDirectory(Path.Combine(orphan, "ns"));

        await _pods.RecoverAsync(CancellationToken.None);

        Assert.False(Directory.Exists(orphan));
    }

    private PodSandboxes Create()
    {
        var cni = new CniConfigDirectory(new CniOptions { ConfigDir = _dir.Combine("net.d"), PluginDirs = [_dir.Combine("bin")] });
        var options = new PodSandboxOptions(_dir.Combine("state"), ["runc", "crun"], "runc", "/usr/bin/catatonit") { NetworkTeardownAttempts = 2 };
        return new PodSandboxes(SandboxStore.Load(_metadata), _namespaces, _mounts, cni, new CniChain(cni, _cni), options, TimeProvider.System, NullLogger<PodSandboxes>.Instance);
    }

    private void AssertNothingLeft()
    {
        Assert.Empty(_pods.List(new SandboxFilter(null, null, new Dictionary<string, string>())));
        Assert.Empty(SandboxStore.Load(_metadata).All);
        Assert.Empty(_namespaces.Pinned);
        Assert.Empty(_namespaces.Inits);
        Assert.Empty(_mounts.Mounted);
        Assert.Empty(_cni.Allocations);
        var pods = _dir.Combine("state", "pods");
        Assert.True(!Directory.Exists(pods) || Directory.GetFileSystemEntries(pods).Length == 0);
    }
}
