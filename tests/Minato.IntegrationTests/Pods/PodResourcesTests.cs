using System.Globalization;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;

namespace Minato.IntegrationTests.Pods;

/// <summary>UpdatePodSandboxResources on a real daemon: a pod whose cgroup_parent is a cgroup the test makes under
/// Minato's own parent in this host's v1 hierarchies (cpu, cpuset, memory), read back from cgroupfs.</summary>
public sealed class PodResourcesTests : IAsyncLifetime
{
    private const string Root = "/sys/fs/cgroup";
    private static readonly string[] Controllers = ["cpu", "cpuset", "memory"];

    private readonly string _cgroup = "/minato/it-podres-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _made = [];
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        foreach (var controller in Controllers)
        {
            MakeCgroup(controller, "/minato");
            MakeCgroup(controller, _cgroup);
        }
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();

        // The pod cgroup in every hierarchy (runc made it in those the test did not, for the container in it), then the
        // parents the test made; a parent that held something before the test, or still does, stays.
        foreach (var hierarchy in Directory.GetDirectories(Root))
        {
            if (Directory.Exists(hierarchy + _cgroup))
            {
                Directory.Delete(hierarchy + _cgroup);
            }
        }

        foreach (var directory in Enumerable.Reverse(_made).Where(Directory.Exists))
        {
            try
            {
                Directory.Delete(directory);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task UpdatePodSandboxResources_PodCgroup_WritesTheFilesShowsThemInStatusAndRepeats()
    {
        var podId = await RunPodAsync();
        var request = new UpdatePodSandboxResourcesRequest
        {
            PodSandboxId = podId,
            Overhead = new LinuxContainerResources { CpuShares = 102, MemoryLimitInBytes = 16 << 20 },
            Resources = new LinuxContainerResources { CpuShares = 512, CpuQuota = 50_000, CpuPeriod = 100_000, MemoryLimitInBytes = 64 << 20, CpusetCpus = "0" },
        };

        await _node.Runtime.UpdatePodSandboxResourcesAsync(request);
        await _node.Runtime.UpdatePodSandboxResourcesAsync(request);

        Assert.Equal("614", Read("cpu", "cpu.shares"));
        Assert.Equal("50000", Read("cpu", "cpu.cfs_quota_us"));
        Assert.Equal("100000", Read("cpu", "cpu.cfs_period_us"));
        Assert.Equal((80 << 20).ToString(CultureInfo.InvariantCulture), Read("memory", "memory.limit_in_bytes"));
        Assert.Equal("0", Read("cpuset", "cpuset.cpus"));
        var status = await _node.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = podId, Verbose = true });
        var info = status.Info["info"];
        Assert.Contains("\"resources\":{\"overhead\":{\"cpuPeriod\":0,\"cpuQuota\":0,\"cpuShares\":102", info.Replace(" ", string.Empty).Replace("\n", string.Empty), StringComparison.Ordinal);
        Assert.Contains("\"memoryLimitInBytes\":67108864", info.Replace(" ", string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdatePodSandboxResources_NegativeShares_InvalidArgumentNamingTheFieldAndNothingChanged()
    {
        var podId = await RunPodAsync();
        var shares = Read("cpu", "cpu.shares");
        var memory = Read("memory", "memory.limit_in_bytes");

        var e = await Assert.ThrowsAsync<RpcException>(async () => await _node.Runtime.UpdatePodSandboxResourcesAsync(new UpdatePodSandboxResourcesRequest
        {
            PodSandboxId = podId,
            Resources = new LinuxContainerResources { CpuShares = -1, MemoryLimitInBytes = 64 << 20 },
        }));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("resources.cpu_shares", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(shares, Read("cpu", "cpu.shares"));
        Assert.Equal(memory, Read("memory", "memory.limit_in_bytes"));
        var status = await _node.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = podId, Verbose = true });
        Assert.DoesNotContain("\"resources\"", status.Info["info"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdatePodSandboxResources_MemoryBelowUsage_KernelRefusesWithEbusyAndStatusKeepsTheOldValues()
    {
        var pod = PodWithCgroup();
        var podId = (await _node.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod })).PodSandboxId;
        var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = "fill" }, Image = new ImageSpec { Image = _node.Busybox }, LogPath = "fill.log" };

        // tmpfs pages cannot be reclaimed without swap: the kernel cannot shrink the pod below them.
        config.Command.AddRange(["sh", "-c", "dd if=/dev/zero of=/dev/shm/fill bs=1M count=24 && exec sleep 600"]);
        var id = (await _node.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod })).ContainerId;
        await _node.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        for (var i = 0; i < 100 && ulong.Parse(Read("memory", "memory.usage_in_bytes"), CultureInfo.InvariantCulture) < 24UL << 20; i++)
        {
            await Task.Delay(100);
        }

        var limit = Read("memory", "memory.limit_in_bytes");

        var e = await Assert.ThrowsAsync<RpcException>(async () => await _node.Runtime.UpdatePodSandboxResourcesAsync(new UpdatePodSandboxResourcesRequest
        {
            PodSandboxId = podId,
            Resources = new LinuxContainerResources { MemoryLimitInBytes = 8 << 20 },
        }));

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("EBUSY", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(limit, Read("memory", "memory.limit_in_bytes"));
    }

    [Fact]
    public async Task UpdatePodSandboxResources_PodWithoutCgroupParent_FailedPrecondition()
    {
        var podId = (await _node.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _node.NewPod() })).PodSandboxId;

        var e = await Assert.ThrowsAsync<RpcException>(async () => await _node.Runtime.UpdatePodSandboxResourcesAsync(new UpdatePodSandboxResourcesRequest
        {
            PodSandboxId = podId,
            Resources = new LinuxContainerResources { CpuShares = 512 },
        }));

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("cgroup_parent", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdatePodSandboxResources_UnknownPod_NotFound()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await _node.Runtime.UpdatePodSandboxResourcesAsync(new UpdatePodSandboxResourcesRequest
        {
            PodSandboxId = "0000000000000000",
            Resources = new LinuxContainerResources { CpuShares = 512 },
        }));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    private async Task<string> RunPodAsync() =>
        (await _node.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = PodWithCgroup() })).PodSandboxId;

    private PodSandboxConfig PodWithCgroup()
    {
        var pod = _node.NewPod();
        pod.Linux.CgroupParent = _cgroup;
        return pod;
    }

    private string Read(string controller, string file) => File.ReadAllText($"{Root}/{controller}{_cgroup}/{file}").Trim();

    /// <summary>Makes the cgroup when it is missing (and remembers it for removal); a new cpuset starts empty, so it
    /// takes its parent's CPUs and nodes, as cgroup.clone_children would.</summary>
    private void MakeCgroup(string controller, string cgroup)
    {
        var directory = Root + "/" + controller + cgroup;
        if (Directory.Exists(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        _made.Add(directory);
        if (controller == "cpuset")
        {
            var parent = Path.GetDirectoryName(directory)!;
            File.WriteAllText(Path.Combine(directory, "cpuset.cpus"), File.ReadAllText(Path.Combine(parent, "cpuset.cpus")).Trim());
            File.WriteAllText(Path.Combine(directory, "cpuset.mems"), File.ReadAllText(Path.Combine(parent, "cpuset.mems")).Trim());
        }
    }
}
