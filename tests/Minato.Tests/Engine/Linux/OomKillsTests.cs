using Minato.Engine.Linux.Cgroups;

namespace Minato.Tests.Engine.Linux;

/// <summary>The OOM decision on fixture cgroupfs files: v2 memory.events, v1 memory.oom_control, and where each lives.</summary>
public sealed class OomKillsTests : IDisposable
{

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("memory.events", 1, true)]
    [InlineData("memory.events", 0, false)]
    [InlineData("memory.oom_control", 3, true)]
    [InlineData("memory.oom_control", 0, false)]
    public void Occurred_Counter_TrueOnlyAfterAKill(string file, int kills, bool expected)
    {
        _dir.Write(file, file == "memory.events" ? V2Events(kills) : V1Control(kills));

        Assert.Equal(expected, OomKills.Occurred(_dir.Path));
    }

    [Fact]
    public void Occurred_BothFiles_V2Decides()
    {
        _dir.Write("memory.events", V2Events(0));
        _dir.Write("memory.oom_control", V1Control(5));

        Assert.False(OomKills.Occurred(_dir.Path));
    }

    [Fact]
    public void Occurred_V2OomWithoutKill_False()
    {
        // "oom" counts reclaim failures at the limit; only oom_kill means a process died.
        _dir.Write("memory.events", "oom 4\noom_kill 0\n");

        Assert.False(OomKills.Occurred(_dir.Path));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("oom_kill_disable 0\nunder_oom 0\n")]
    public void Occurred_NoCounter_Unknown(string? oomControl)
    {
        if (oomControl is not null)
        {
            _dir.Write("memory.oom_control", oomControl);
        }

        Assert.Null(OomKills.Occurred(_dir.Path));
        Assert.Null(OomKills.Occurred(_dir.Combine("gone")));
        Assert.Null(OomKills.Occurred(string.Empty));
    }

    [Fact]
    public void MemoryCgroupOf_HybridHost_TheV1MemoryHierarchy()
    {
        _dir.Write("proc/42/cgroup", "12:memory:/minato/minato-abc\n4:cpu,cpuacct:/minato/minato-abc\n0::/minato/minato-abc\n");

        Assert.Equal(_dir.Combine("cg", "memory") + "/minato/minato-abc", OomKills.MemoryCgroupOf(42, _dir.Combine("cg"), _dir.Combine("proc")));
    }

    [Fact]
    public void MemoryCgroupOf_UnifiedHost_TheV2Cgroup()
    {
        _dir.Write("cg/cgroup.controllers", "cpuset cpu io memory pids\n");
        _dir.Write("proc/42/cgroup", "0::/minato/minato-abc\n");

        Assert.Equal(_dir.Combine("cg") + "/minato/minato-abc", OomKills.MemoryCgroupOf(42, _dir.Combine("cg"), _dir.Combine("proc")));
    }

    [Fact]
    public void MemoryCgroupOf_HybridWithoutMemoryController_OrProcessGone_Null()
    {
        _dir.Write("proc/42/cgroup", "1:name=systemd:/x\n0::/x\n");

        Assert.Null(OomKills.MemoryCgroupOf(42, _dir.Combine("cg"), _dir.Combine("proc")));
        Assert.Null(OomKills.MemoryCgroupOf(43, _dir.Combine("cg"), _dir.Combine("proc")));
    }

    private static string V2Events(int kills) => $"low 0\nhigh 0\nmax 12\noom 1\noom_kill {kills}\noom_group_kill 0\n";

    private static string V1Control(int kills) => $"oom_kill_disable 0\nunder_oom 0\noom_kill {kills}\n";
}
