using Minato.Engine.Errors;
using Minato.Engine.Linux.Cgroups;
using Minato.Testing.Fakes;

namespace Minato.Tests.Engine.Linux;

/// <summary>The pod-cgroup limit writer on fixture cgroupfs trees laid out like <c>/sys/fs/cgroup</c>: v2, v1 and hybrid.</summary>
public sealed class CgroupLimitWriterTests
{
    private static readonly CgroupLimits Everything = new(
        CpuShares: 1024,
        CpuQuota: 50_000,
        CpuPeriod: 100_000,
        CpusetCpus: "0-1",
        CpusetMems: "0",
        MemoryLimit: 268_435_456,
        Hugepages: new Dictionary<string, ulong> { ["2MB"] = 4_194_304 });

    [Fact]
    public void Apply_V2Tree_WritesTheV2Files()
    {
        using var root = V2Tree("kubepods/pod1");

        Writer(root, CgroupMode.Unified).Apply("/kubepods/pod1", Everything with { Unified = new Dictionary<string, string> { ["memory.high"] = "200000000" } });

        Assert.Equal("268435456", Read(root, "kubepods/pod1/memory.max"));
        Assert.Equal("39", Read(root, "kubepods/pod1/cpu.weight"));
        Assert.Equal("50000 100000", Read(root, "kubepods/pod1/cpu.max"));
        Assert.Equal("0-1", Read(root, "kubepods/pod1/cpuset.cpus"));
        Assert.Equal("0", Read(root, "kubepods/pod1/cpuset.mems"));
        Assert.Equal("4194304", Read(root, "kubepods/pod1/hugetlb.2MB.max"));
        Assert.Equal("200000000", Read(root, "kubepods/pod1/memory.high"));
    }

    [Fact]
    public void Apply_V2UnlimitedQuotaAndMemory_WritesMax()
    {
        using var root = V2Tree("p");

        Writer(root, CgroupMode.Unified).Apply("/p", new CgroupLimits(CpuQuota: -1, CpuPeriod: 20_000, MemoryLimit: -1));

        Assert.Equal("max 20000", Read(root, "p/cpu.max"));
        Assert.Equal("max", Read(root, "p/memory.max"));
    }

    [Theory]
    [InlineData(CgroupMode.Legacy)]
    [InlineData(CgroupMode.Hybrid)]
    public void Apply_V1Hierarchies_WritesEachControllersFiles(CgroupMode mode)
    {
        using var root = V1Tree("kubepods/pod1");

        Writer(root, mode).Apply("/kubepods/pod1", Everything);

        Assert.Equal("268435456", Read(root, "memory/kubepods/pod1/memory.limit_in_bytes"));
        Assert.Equal("1024", Read(root, "cpu/kubepods/pod1/cpu.shares"));
        Assert.Equal("100000", Read(root, "cpu/kubepods/pod1/cpu.cfs_period_us"));
        Assert.Equal("50000", Read(root, "cpu/kubepods/pod1/cpu.cfs_quota_us"));
        Assert.Equal("0-1", Read(root, "cpuset/kubepods/pod1/cpuset.cpus"));
        Assert.Equal("0", Read(root, "cpuset/kubepods/pod1/cpuset.mems"));
        Assert.Equal("4194304", Read(root, "hugetlb/kubepods/pod1/hugetlb.2MB.limit_in_bytes"));

        // Hybrid: the unified tree has no controllers and is left alone.
        Assert.False(Directory.Exists(root.Combine("unified", "kubepods")));
    }

    [Fact]
    public void Apply_SameLimitsTwice_GivesTheSameFiles()
    {
        using var root = V1Tree("p");
        var writer = Writer(root, CgroupMode.Hybrid);

        writer.Apply("/p", Everything);
        writer.Apply("/p", Everything);

        Assert.Equal("268435456", Read(root, "memory/p/memory.limit_in_bytes"));
        Assert.Equal("50000", Read(root, "cpu/p/cpu.cfs_quota_us"));
    }

    [Fact]
    public void Apply_V1KernelRefusesMemoryWithEbusy_FailedPreconditionNamingEbusy()
    {
        using var root = V1Tree("p");
        var files = new RefusingCgroupFiles(root.Path, "memory.limit_in_bytes", 16);

        var e = Assert.Throws<PreconditionException>(() => new CgroupLimitWriter(files, CgroupMode.Hybrid).Apply("/p", Everything));

        Assert.Contains("EBUSY", e.Message, StringComparison.Ordinal);
        Assert.Contains("memory.limit_in_bytes", e.Message, StringComparison.Ordinal);
        Assert.Equal("1024", Read(root, "cpu/p/cpu.shares"));
    }

    [Fact]
    public void Apply_LaterWriteRefused_EarlierWritesRestored()
    {
        using var root = V1Tree("p");
        var files = new RefusingCgroupFiles(root.Path, "cpu.cfs_quota_us", 16);

        Assert.Throws<PreconditionException>(() => new CgroupLimitWriter(files, CgroupMode.Hybrid).Apply("/p", Everything with { CpuShares = 2048, CpuPeriod = 50_000 }));

        Assert.Contains("cpu/p/cpu.shares", files.Attempts);
        Assert.Equal("9223372036854771712", Read(root, "memory/p/memory.limit_in_bytes"));
        Assert.Equal("1024", Read(root, "cpu/p/cpu.shares"));
        Assert.Equal("100000", Read(root, "cpu/p/cpu.cfs_period_us"));
        Assert.Equal("-1", Read(root, "cpu/p/cpu.cfs_quota_us"));
    }

    [Fact]
    public void Apply_KernelRefusesWithEinval_InvalidInputNamingEinval()
    {
        using var root = V1Tree("p");
        var files = new RefusingCgroupFiles(root.Path, "memory.limit_in_bytes", 22);

        var e = Assert.Throws<InvalidInputException>(() => new CgroupLimitWriter(files, CgroupMode.Legacy).Apply("/p", new CgroupLimits(MemoryLimit: 1 << 20)));

        Assert.Contains("EINVAL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_V2MemoryBelowCurrentUsage_RefusedAsEbusyBeforeAnyWrite()
    {
        using var root = V2Tree("p");
        root.Write("p/memory.current", "104857600\n");

        var e = Assert.Throws<PreconditionException>(() => Writer(root, CgroupMode.Unified).Apply("/p", new CgroupLimits(CpuShares: 4096, MemoryLimit: 1 << 20)));

        Assert.Contains("EBUSY", e.Message, StringComparison.Ordinal);
        Assert.Equal("max", Read(root, "p/memory.max"));
        Assert.Equal("100", Read(root, "p/cpu.weight"));
    }

    [Theory]
    [InlineData("../memory.max")]
    [InlineData("memory.max/../../x")]
    [InlineData("/etc/passwd")]
    [InlineData("cgroup.procs")]
    [InlineData("memory..max")]
    public void Apply_UnifiedKeyThatIsAPathOrCoreFile_InvalidInputAndNothingWritten(string key)
    {
        using var root = V2Tree("p");

        var e = Assert.Throws<InvalidInputException>(() => Writer(root, CgroupMode.Unified).Apply("/p", new CgroupLimits(
            MemoryLimit: 1 << 20, Unified: new Dictionary<string, string> { [key] = "1" })));

        Assert.Contains("unified key", e.Message, StringComparison.Ordinal);
        Assert.Equal("max", Read(root, "p/memory.max"));
    }

    [Fact]
    public void Apply_UnifiedOnV1_InvalidInput()
    {
        using var root = V1Tree("p");

        Assert.Throws<InvalidInputException>(() => Writer(root, CgroupMode.Hybrid).Apply("/p", new CgroupLimits(Unified: new Dictionary<string, string> { ["memory.high"] = "1" })));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/a/../..")]
    [InlineData("")]
    public void Apply_PathOutsideABelowRootCgroup_InvalidInput(string path)
    {
        using var root = V2Tree("p");

        Assert.Throws<InvalidInputException>(() => Writer(root, CgroupMode.Unified).Apply(path, new CgroupLimits(CpuShares: 2)));
    }

    [Fact]
    public void Apply_CgroupMissing_FailedPrecondition()
    {
        using var root = V1Tree("p");

        var e = Assert.Throws<PreconditionException>(() => Writer(root, CgroupMode.Hybrid).Apply("/gone", new CgroupLimits(CpuShares: 2)));

        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_HugepageSizeTheKernelDoesNotOffer_FailedPreconditionAndEarlierWritesUndone()
    {
        using var root = V2Tree("p");

        Assert.Throws<PreconditionException>(() => Writer(root, CgroupMode.Unified).Apply("/p", new CgroupLimits(
            MemoryLimit: 1 << 20, Hugepages: new Dictionary<string, ulong> { ["1GB"] = 1 << 30 })));

        Assert.Equal("max", Read(root, "p/memory.max"));
    }

    [Theory]
    [InlineData(2UL, 1UL)]
    [InlineData(1024UL, 39UL)]
    [InlineData(262144UL, 10000UL)]
    public void SharesToWeight_V1Shares_MapsLikeRunc(ulong shares, ulong weight)
    {
        Assert.Equal(weight, CgroupLimitWriter.SharesToWeight(shares));
    }

    private static CgroupLimitWriter Writer(TempDirectory root, CgroupMode mode) => new(new CgroupFiles(root.Path), mode);

    private static string Read(TempDirectory root, string file) => File.ReadAllText(root.Combine(file)).Trim();

    /// <summary>A v2 cgroup with the files the kernel offers (2MB hugepages only), at their defaults.</summary>
    private static TempDirectory V2Tree(string cgroup)
    {
        var root = new TempDirectory();
        root.Write("cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
        foreach (var (file, value) in new[]
        {
            ("memory.max", "max"), ("memory.current", "0"), ("memory.high", "max"), ("cpu.weight", "100"), ("cpu.max", "max 100000"),
            ("cpuset.cpus", string.Empty), ("cpuset.mems", string.Empty), ("hugetlb.2MB.max", "max"),
        })
        {
            root.Write($"{cgroup}/{file}", value + "\n");
        }

        return root;
    }

    /// <summary>v1 controller hierarchies (and hybrid's controller-less unified tree) with the cgroup in each, at defaults.</summary>
    private static TempDirectory V1Tree(string cgroup)
    {
        var root = new TempDirectory();
        Directory.CreateDirectory(root.Combine("unified"));
        foreach (var (file, value) in new[]
        {
            ("memory/{0}/memory.limit_in_bytes", "9223372036854771712"), ("memory/{0}/memory.usage_in_bytes", "0"),
            ("cpu/{0}/cpu.shares", "1024"), ("cpu/{0}/cpu.cfs_period_us", "100000"), ("cpu/{0}/cpu.cfs_quota_us", "-1"),
            ("cpuset/{0}/cpuset.cpus", "0-1"), ("cpuset/{0}/cpuset.mems", "0"), ("hugetlb/{0}/hugetlb.2MB.limit_in_bytes", "9223372036854771712"),
        })
        {
            root.Write(string.Format(System.Globalization.CultureInfo.InvariantCulture, file, cgroup), value + "\n");
        }

        return root;
    }
}
