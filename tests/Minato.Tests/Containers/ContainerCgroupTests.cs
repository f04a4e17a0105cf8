using Minato.Cri.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Linux.Cgroups;

namespace Minato.Tests.Containers;

public sealed class ContainerCgroupTests : IDisposable
{
    private readonly SpecFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Path_Cgroupfs_ParentSlashMinatoId()
    {
        Assert.Equal("/kubepods/burstable/poduid-1/minato-c1", ContainerCgroup.Path("c1", _f.Sandbox, _f.Options));
    }

    [Fact]
    public void Path_CgroupfsNoParent_DefaultParent()
    {
        _f.Sandbox = _f.Sandbox with { Config = _f.Sandbox.Config with { CgroupParent = "" } };

        Assert.Equal("/minato/minato-c1", ContainerCgroup.Path("c1", _f.Sandbox, _f.Options));
    }

    [Fact]
    public void Path_Systemd_SliceColonMinatoColonId()
    {
        _f.Sandbox = _f.Sandbox with { Config = _f.Sandbox.Config with { CgroupParent = "kubepods-burstable-poduid_1.slice" } };

        Assert.Equal("kubepods-burstable-poduid_1.slice:minato:c1", ContainerCgroup.Path("c1", _f.Sandbox, _f.Options with { CgroupDriver = CgroupDriver.Systemd }));
    }

    [Theory]
    [InlineData(CgroupDriver.Cgroupfs, "relative/parent")]
    [InlineData(CgroupDriver.Cgroupfs, "/kubepods/../../etc")]
    [InlineData(CgroupDriver.Systemd, "/kubepods/pod")]
    [InlineData(CgroupDriver.Systemd, "a:b.slice")]
    public void Path_ParentWrongForDriver_Rejected(CgroupDriver driver, string parent)
    {
        _f.Sandbox = _f.Sandbox with { Config = _f.Sandbox.Config with { CgroupParent = parent } };

        Assert.Throws<InvalidInputException>(() => ContainerCgroup.Path("c1", _f.Sandbox, _f.Options with { CgroupDriver = driver }));
    }

    [Fact]
    public void Resources_KubeletValues_Mapped()
    {
        var r = new ContainerResources
        {
            CpuShares = 512,
            CpuQuota = 50000,
            CpuPeriod = 100000,
            CpusetCpus = "0-1,3",
            CpusetMems = "0",
            MemoryLimitInBytes = 256 << 20,
            HugepageLimits = [new("2MB", 4 << 20)],
            Unified = new Dictionary<string, string> { ["memory.high"] = "200000000" },
        };

        var spec = ContainerCgroup.Resources(r, [], _f.Options with { PidsLimit = 1024 });

        Assert.Equal((512UL, 50000L, 100000UL, "0-1,3", "0"), (spec.Cpu!.Shares!.Value, spec.Cpu.Quota!.Value, spec.Cpu.Period!.Value, spec.Cpu.Cpus, spec.Cpu.Mems));
        Assert.Equal(256L << 20, spec.Memory!.Limit);
        Assert.Equal(256L << 20, spec.Memory.Swap);
        Assert.Equal(1024, spec.Pids!.Limit);
        Assert.Equal("2MB", Assert.Single(spec.HugepageLimits!).PageSize);
        Assert.Equal("200000000", spec.Unified!["memory.high"]);
    }

    [Fact]
    public void Resources_Nothing_NoCpuMemoryOrPids()
    {
        var spec = ContainerCgroup.Resources(new ContainerResources(), [], _f.Options);

        Assert.Null(spec.Cpu);
        Assert.Null(spec.Memory);
        Assert.Null(spec.Pids);
    }

    [Theory]
    [InlineData(100L, -1L, -1L)]
    [InlineData(100L, 300L, 300L)]
    [InlineData(100L, 0L, 100L)]
    public void Resources_SwapRules_WithAccounting(long limit, long swap, long expected)
    {
        var memory = ContainerCgroup.Resources(new ContainerResources { MemoryLimitInBytes = limit, MemorySwapLimitInBytes = swap }, [], _f.Options).Memory!;

        Assert.Equal(expected, memory.Swap);
    }

    [Fact]
    public void Resources_NoSwapAccountingOnV1_SwapOmitted()
    {
        var options = _f.Options with { CgroupMode = CgroupMode.Hybrid, SwapAccounting = false };

        var memory = ContainerCgroup.Resources(new ContainerResources { MemoryLimitInBytes = 100, MemorySwapLimitInBytes = 200 }, [], options).Memory!;

        Assert.Equal((100L, (long?)null), (memory.Limit!.Value, memory.Swap));
    }

    [Fact]
    public void Resources_SwapBelowLimit_Rejected()
    {
        Assert.Throws<InvalidInputException>(() => ContainerCgroup.Resources(new ContainerResources { MemoryLimitInBytes = 200, MemorySwapLimitInBytes = 100 }, [], _f.Options));
    }

    [Fact]
    public void Resources_UnifiedOnV1_Rejected()
    {
        var r = new ContainerResources { Unified = new Dictionary<string, string> { ["memory.high"] = "1" } };

        Assert.Throws<InvalidInputException>(() => ContainerCgroup.Resources(r, [], _f.Options with { CgroupMode = CgroupMode.Hybrid }));
    }

    [Theory]
    [InlineData("../../cgroup.procs", "1")]
    [InlineData("memory.high", "1\nmax")]
    [InlineData("cgroup.procs/x", "1")]
    public void Resources_BadUnifiedKeyOrValue_Rejected(string key, string value)
    {
        var r = new ContainerResources { Unified = new Dictionary<string, string> { [key] = value } };

        Assert.Throws<InvalidInputException>(() => ContainerCgroup.Resources(r, [], _f.Options));
    }

    [Theory]
    [InlineData("0-3\n", "")]
    [InlineData("", "a")]
    public void Resources_BadCpuset_Rejected(string cpus, string mems)
    {
        Assert.Throws<InvalidInputException>(() => ContainerCgroup.Resources(new ContainerResources { CpusetCpus = cpus, CpusetMems = mems }, [], _f.Options));
    }

    [Fact]
    public void Resources_BadHugepageSize_Rejected()
    {
        Assert.Throws<InvalidInputException>(() => ContainerCgroup.Resources(new ContainerResources { HugepageLimits = [new("2M/../x", 1)] }, [], _f.Options));
    }
}
