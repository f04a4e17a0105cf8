using Minato.Engine.Linux.Cgroups;

namespace Minato.Tests.Engine.Linux;

/// <summary>The stats readers on fixture cgroupfs trees: directories of files written by the test, v2 and v1.</summary>
public sealed class CgroupUsageReaderTests
{
    [Fact]
    public void Read_V2Tree_ReadsCpuMemoryTasksAndOomKills()
    {
        using var root = new TempDirectory();
        root.Write("pods/c1/cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
        root.Write("pods/c1/memory.current", "10485760\n");
        root.Write("pods/c1/memory.stat", "anon 4194304\nfile 6291456\ninactive_file 2097152\npgfault 77\npgmajfault 3\n");
        root.Write("pods/c1/memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\n");
        root.Write("pods/c1/memory.max", "max\n");
        root.Write("pods/c1/pids.current", "5\n");

        var usage = CgroupUsageReader.Read(CgroupPaths.Parse(["0::/pods/c1"]), root.Path);

        Assert.Equal(new CgroupUsage(2_500_000, 10485760, 10485760 - 2097152, 4194304, 77, 3, null, 6291456, 5, 1), usage);
    }

    [Fact]
    public void Read_V2WithLimit_ReportsTheLimit()
    {
        using var root = new TempDirectory();
        root.Write("c/memory.current", "100\n");
        root.Write("c/memory.max", "268435456\n");

        var usage = CgroupUsageReader.Read(CgroupPaths.Uniform("/c", CgroupMode.Unified), root.Path);

        Assert.Equal(268435456UL, usage?.MemoryLimitBytes);
        Assert.Null(usage?.CpuNanoseconds);
    }

    [Fact]
    public void Read_V1Hierarchies_ReadsMemoryCpuacctAndPidsFromTheirOwnPaths()
    {
        using var root = new TempDirectory();
        root.Write("memory/kubepods/c1/memory.usage_in_bytes", "8192\n");
        root.Write("memory/kubepods/c1/memory.limit_in_bytes", "9223372036854771712\n");
        root.Write("memory/kubepods/c1/memory.stat", "cache 1\nrss 2\ntotal_cache 4096\ntotal_rss 2048\ntotal_inactive_file 1024\ntotal_pgfault 9\ntotal_pgmajfault 1\n");
        root.Write("memory/kubepods/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        root.Write("cpuacct/kubepods/c1/cpuacct.usage", "123456789\n");
        root.Write("pids/kubepods/c1/pids.current", "3\n");
        string[] procCgroup = ["12:pids:/kubepods/c1", "5:cpu,cpuacct:/kubepods/c1", "4:memory:/kubepods/c1", "0::/"];

        var usage = CgroupUsageReader.Read(CgroupPaths.Parse(procCgroup), root.Path);

        // The huge v1 "unlimited" value is no limit.
        Assert.Equal(new CgroupUsage(123456789, 8192, 7168, 2048, 9, 1, null, 4096, 3, 2), usage);
    }

    [Fact]
    public void Read_HybridProcessFile_PrefersV1Memory()
    {
        using var root = new TempDirectory();
        root.Write("memory/a/memory.usage_in_bytes", "1\n");
        root.Write("unified/a/memory.current", "999\n");

        var usage = CgroupUsageReader.Read(CgroupPaths.Parse(["4:memory:/a", "0::/a"]), root.Path);

        Assert.Equal(1UL, usage?.MemoryUsageBytes);
    }

    [Fact]
    public void Read_CgroupGone_Null()
    {
        using var root = new TempDirectory();

        Assert.Null(CgroupUsageReader.Read(CgroupPaths.Uniform("/gone", CgroupMode.Hybrid), root.Path));
        Assert.Null(CgroupUsageReader.Read(CgroupPaths.Uniform("/gone", CgroupMode.Unified), root.Path));
    }

    [Fact]
    public void Parent_ContainerPaths_OneLevelUpInEveryHierarchy()
    {
        var parent = CgroupPaths.Parse(["4:memory:/kubepods/pod1/c1", "0::/kubepods/pod1/c1"]).Parent();

        Assert.Equal("/kubepods/pod1", parent.V1["memory"]);
        Assert.Equal("/kubepods/pod1", parent.Unified);
    }

    [Fact]
    public void Sum_TwoContainers_AddsValuesAndDropsTheLimit()
    {
        var sum = CgroupUsage.Sum([new CgroupUsage(1, 10, 5, 2, null, null, 100, 3, 1, 0), new CgroupUsage(2, 20, 6, null, null, null, 200, 4, 2, 1)]);

        Assert.Equal(new CgroupUsage(3, 30, 11, 2, null, null, null, 7, 3, 1), sum);
    }
}
