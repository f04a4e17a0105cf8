using Minato.Engine.Linux;

namespace Minato.Tests.Engine.Linux;

public sealed class MountInfoTests
{
    [Fact]
    public void Parse_LineWithOptionalFields_FindsTypeAfterSeparator()
    {
        var entry = Assert.Single(MountInfo.Parse(
            "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n"));

        Assert.Equal("/mnt2", entry.MountPoint);
        Assert.Equal("/mnt1", entry.Root);
        Assert.Equal("ext3", entry.FileSystemType);
        Assert.Equal("/dev/root", entry.Source);
        Assert.Equal("rw,noatime", entry.Options);
    }

    [Fact]
    public void Parse_OctalEscapes_AreDecoded()
    {
        var entry = Assert.Single(MountInfo.Parse("40 22 0:50 / /run/my\\040dir\\134x rw - tmpfs tmp\\011fs rw\n"));

        Assert.Equal("/run/my dir\\x", entry.MountPoint);
        Assert.Equal("tmp\tfs", entry.Source);
    }

    [Theory]
    [InlineData("garbage\n")]
    [InlineData("1 2 3 4 5 6 7 8\n")]
    [InlineData("36 35 98:0 /mnt1 /mnt2 rw - ext3\n")]
    public void Parse_MalformedLine_IsSkipped(string text) => Assert.Empty(MountInfo.Parse(text));

    [Fact]
    public void ReadSelf_OnThisMachine_HasTheRootMount() =>
        Assert.Contains(MountInfo.ReadSelf(), m => m.MountPoint == "/");
}
