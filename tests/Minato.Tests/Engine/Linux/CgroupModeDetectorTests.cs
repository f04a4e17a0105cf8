using Minato.Engine.Linux;
using Minato.Engine.Linux.Cgroups;

namespace Minato.Tests.Engine.Linux;

public sealed class CgroupModeDetectorTests
{
    private const string Unified = """
        22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw
        25 22 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
        26 25 0:24 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:8 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
        """;

    private const string Hybrid = """
        22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw
        26 25 0:24 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755
        27 26 0:25 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate
        28 26 0:26 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,name=systemd
        31 26 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,memory
        """;

    private const string Legacy = """
        26 25 0:24 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        31 26 0:29 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        32 26 0:30 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        """;

    [Theory]
    [InlineData(Unified, CgroupMode.Unified)]
    [InlineData(Hybrid, CgroupMode.Hybrid)]
    [InlineData(Legacy, CgroupMode.Legacy)]
    [InlineData("22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw\n", CgroupMode.None)]
    public void Detect_MountTable_GivesTheMode(string mountinfo, CgroupMode expected) =>
        Assert.Equal(expected, CgroupModeDetector.Detect(MountInfo.Parse(mountinfo), "/sys/fs/cgroup"));

    [Fact]
    public void Detect_Cgroup2MountedOverAnEarlierTmpfs_TheLastMountWins()
    {
        var text = Legacy + "\n40 26 0:40 / /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw\n";

        Assert.Equal(CgroupMode.Unified, CgroupModeDetector.Detect(MountInfo.Parse(text), "/sys/fs/cgroup"));
    }

    [Fact]
    public void DetectSelf_OnThisMachine_FindsCgroups() =>
        Assert.NotEqual(CgroupMode.None, CgroupModeDetector.DetectSelf());
}
