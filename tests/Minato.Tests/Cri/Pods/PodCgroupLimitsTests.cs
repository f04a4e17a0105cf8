using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Engine.Errors;

namespace Minato.Tests.Cri.Pods;

/// <summary>The CRI pod overhead and resources as limits of the pod cgroup: sums, defaults, and refusals naming the field.</summary>
public sealed class PodCgroupLimitsTests
{
    [Fact]
    public void From_OverheadAndResources_AddsSharesQuotaMemoryAndHugepages()
    {
        var overhead = new ContainerResources { CpuShares = 102, CpuQuota = 10_000, CpuPeriod = 100_000, MemoryLimitInBytes = 1 << 20, HugepageLimits = [new("2MB", 2 << 20)] };
        var resources = new ContainerResources { CpuShares = 1024, CpuQuota = 25_000, CpuPeriod = 50_000, MemoryLimitInBytes = 64 << 20, CpusetCpus = "0", HugepageLimits = [new("2MB", 4 << 20)] };

        var limits = PodCgroupLimits.From(overhead, resources);

        Assert.Equal(1126UL, limits.CpuShares);
        Assert.Equal(30_000L, limits.CpuQuota);
        Assert.Equal(50_000UL, limits.CpuPeriod);
        Assert.Equal((64L << 20) + (1 << 20), limits.MemoryLimit);
        Assert.Equal("0", limits.CpusetCpus);
        Assert.Null(limits.CpusetMems);
        Assert.Equal(6UL << 20, limits.Hugepages!["2MB"]);
    }

    [Fact]
    public void From_NothingSet_LeavesEverythingAsItIs()
    {
        var limits = PodCgroupLimits.From(new(), new());

        Assert.Null(limits.CpuShares);
        Assert.Null(limits.CpuQuota);
        Assert.Null(limits.CpuPeriod);
        Assert.Null(limits.MemoryLimit);
        Assert.Empty(limits.Hugepages!);
        Assert.Empty(limits.Unified!);
    }

    [Fact]
    public void From_QuotaWithoutPeriod_UsesTheKernelDefaultPeriod()
    {
        var limits = PodCgroupLimits.From(new(), new ContainerResources { CpuQuota = 20_000 });

        Assert.Equal(100_000UL, limits.CpuPeriod);
    }

    [Theory]
    [InlineData("resources.cpu_shares", -2L, 0L, 0L)]
    [InlineData("resources.cpu_quota", 0L, -5L, 0L)]
    [InlineData("resources.memory_limit_in_bytes", 0L, 0L, -1L)]
    [InlineData("resources.memory_limit_in_bytes", 0L, 0L, 100L)]
    [InlineData("resources.cpu_shares", 300_000L, 0L, 0L)]
    public void From_NegativeOrNonsensicalValue_InvalidInputNamingTheField(string field, long shares, long quota, long memory)
    {
        var e = Assert.Throws<InvalidInputException>(() => PodCgroupLimits.From(new(), new ContainerResources { CpuShares = shares, CpuQuota = quota, MemoryLimitInBytes = memory }));

        Assert.StartsWith(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_BadOverheadPeriod_InvalidInputNamingOverhead()
    {
        var e = Assert.Throws<InvalidInputException>(() => PodCgroupLimits.From(new ContainerResources { CpuPeriod = -1 }, new()));

        Assert.StartsWith("overhead.cpu_period", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2M")]
    [InlineData("../x")]
    [InlineData("")]
    public void From_BadHugepageSize_InvalidInputNamingTheEntry(string size)
    {
        var e = Assert.Throws<InvalidInputException>(() => PodCgroupLimits.From(new(), new ContainerResources { HugepageLimits = [new(size, 1)] }));

        Assert.StartsWith("resources.hugepage_limits[0].page_size", e.Message, StringComparison.Ordinal);
    }
}
