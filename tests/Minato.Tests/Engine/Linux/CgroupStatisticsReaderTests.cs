using Minato.Engine.Linux;
using Minato.Engine.Linux.Cgroups;

namespace Minato.Tests.Engine.Linux;

/// <summary>The full stats reader on fixture cgroupfs trees, v2 and v1, and the host CPU line.</summary>
public sealed class CgroupStatisticsReaderTests
{
    [Fact]
    public void Read_V2Tree_ReadsCpuSplitThrottlingMemoryStatPidsAndIo()
    {
        using var root = new TempDirectory();
        root.Write("c/cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\nnr_periods 10\nnr_throttled 4\nthrottled_usec 300\n");
        root.Write("c/memory.current", "10485760\n");
        root.Write("c/memory.max", "67108864\n");
        root.Write("c/memory.stat", "anon 4194304\nfile 6291456\ninactive_file 2097152\n");
        root.Write("c/memory.events", "low 0\nhigh 0\nmax 7\noom 0\noom_kill 0\n");
        root.Write("c/pids.current", "3\n");
        root.Write("c/pids.max", "max\n");
        root.Write("c/io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");

        var stats = CgroupStatisticsReader.Read(CgroupPaths.Parse(["0::/c"]), root.Path)!;

        Assert.Equal(2, stats.Version);
        Assert.Equal((2_500_000UL, 2_000_000UL, 500_000UL), (stats.CpuTotal, stats.CpuUser, stats.CpuKernel));
        Assert.Equal(new CpuThrottling(10, 4, 300_000), stats.Throttling);
        Assert.Equal((10485760UL, 67108864UL, 7UL), (stats.MemoryUsage, stats.MemoryLimit!.Value, stats.MemoryFailCount));
        Assert.Equal(2097152UL, stats.MemoryStat["inactive_file"]);
        Assert.Equal(3UL, stats.Tasks);
        Assert.Null(stats.TasksLimit);
        Assert.Empty(stats.PerCpu);
        Assert.Equal([new DeviceIo(8, 0, "Read", 4096), new DeviceIo(8, 0, "Write", 8192)], stats.IoServiceBytes);
    }

    [Fact]
    public void Read_V1Hierarchies_ReadsEachControllerAtItsOwnPath()
    {
        using var root = new TempDirectory();
        root.Write("memory/m/memory.usage_in_bytes", "8192\n");
        root.Write("memory/m/memory.max_usage_in_bytes", "16384\n");
        root.Write("memory/m/memory.limit_in_bytes", "9223372036854771712\n");
        root.Write("memory/m/memory.failcnt", "2\n");
        root.Write("memory/m/memory.stat", "cache 1\nrss 2\ntotal_inactive_file 1024\n");
        root.Write("cpuacct/a/cpuacct.usage", "123456789\n");
        root.Write("cpuacct/a/cpuacct.usage_percpu", "100000000 23456789 \n");
        root.Write("cpuacct/a/cpuacct.stat", "user 7\nsystem 3\n");
        root.Write("cpu/a/cpu.stat", "nr_periods 5\nnr_throttled 1\nthrottled_time 999\n");
        root.Write("pids/p/pids.current", "2\n");
        root.Write("pids/p/pids.max", "50\n");
        root.Write("blkio/b/blkio.throttle.io_service_bytes_recursive", "8:0 Read 512\n8:0 Write 1024\n8:0 Sync 0\nTotal 1536\n");
        string[] procCgroup = ["9:pids:/p", "7:blkio:/b", "4:memory:/m", "2:cpuacct:/a", "1:cpu:/a", "0::/"];

        var stats = CgroupStatisticsReader.Read(CgroupPaths.Parse(procCgroup), root.Path)!;

        Assert.Equal(1, stats.Version);
        Assert.Equal((123456789UL, 70_000_000UL, 30_000_000UL), (stats.CpuTotal, stats.CpuUser, stats.CpuKernel));
        Assert.Equal([100000000UL, 23456789UL], stats.PerCpu);
        Assert.Equal(new CpuThrottling(5, 1, 999), stats.Throttling);
        Assert.Equal((8192UL, 16384UL, 2UL), (stats.MemoryUsage, stats.MemoryMaxUsage, stats.MemoryFailCount));
        Assert.Null(stats.MemoryLimit);
        Assert.Equal(1024UL, stats.MemoryStat["total_inactive_file"]);
        Assert.Equal((2UL, 50UL), (stats.Tasks, stats.TasksLimit!.Value));
        Assert.Equal(3, stats.IoServiceBytes.Count);
        Assert.Contains(new DeviceIo(8, 0, "Write", 1024), stats.IoServiceBytes);
    }

    [Fact]
    public void Read_V1WithoutCpuOrPidsControllers_ReadsMemoryAndLeavesTheRestZero()
    {
        using var root = new TempDirectory();
        root.Write("memory/m/memory.usage_in_bytes", "4096\n");

        var stats = CgroupStatisticsReader.Read(CgroupPaths.Parse(["4:memory:/m"]), root.Path)!;

        Assert.Equal(4096UL, stats.MemoryUsage);
        Assert.Equal((0UL, 0UL), (stats.CpuTotal, stats.Tasks));
        Assert.Empty(stats.IoServiceBytes);
    }

    [Fact]
    public void Read_MissingCgroup_IsNull()
    {
        using var root = new TempDirectory();

        Assert.Null(CgroupStatisticsReader.Read(CgroupPaths.Parse(["0::/gone"]), root.Path));
    }

    [Fact]
    public void HostCpuParse_CpuLine_SumsTheFirstSevenFieldsInNanoseconds()
    {
        var text = "cpu  100 2 30 400 5 6 7 8 0 0\ncpu0 50 1 15 200 2 3 3 4 0 0\nintr 1\n";

        Assert.Equal((100UL + 2 + 30 + 400 + 5 + 6 + 7) * 10_000_000, HostCpu.Parse(text));
        Assert.Equal(0UL, HostCpu.Parse("intr 1\n"));
    }
}
