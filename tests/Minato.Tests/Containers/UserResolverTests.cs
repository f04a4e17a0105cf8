using Minato.Cri.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Containers;

public sealed class UserResolverTests : IDisposable
{
    private readonly SpecFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Resolve_NoUser_RootWithRootGroupsAndHome()
    {
        var user = _f.User(new ContainerSecurity());

        Assert.Equal((0u, 0u, "/root"), (user.Uid, user.Gid, user.Home));
        Assert.Equal([0u, 10u], user.AdditionalGids);
    }

    [Fact]
    public void Resolve_ImageUid_PrimaryGidAndMembershipsFromFiles()
    {
        var user = _f.User(new ContainerSecurity(), "1000");

        Assert.Equal((1000u, 1000u, "/home/app"), (user.Uid, user.Gid, user.Home));
        Assert.Equal([1000u, 10u, 29u, 100u], user.AdditionalGids);
    }

    [Fact]
    public void Resolve_ImageUidGid_GroupOverridesPrimary()
    {
        var user = _f.User(new ContainerSecurity(), "1000:29");

        Assert.Equal((1000u, 29u), (user.Uid, user.Gid));
        Assert.Equal([29u, 10u, 100u], user.AdditionalGids);
    }

    [Fact]
    public void Resolve_ImageNameGroup_BothLookedUp()
    {
        var user = _f.User(new ContainerSecurity(), "app:users");

        Assert.Equal((1000u, 100u), (user.Uid, user.Gid));
    }

    [Fact]
    public void Resolve_UnknownNumericUid_GidZeroHomeSlash()
    {
        var user = _f.User(new ContainerSecurity(), "4242");

        Assert.Equal((4242u, 0u, "/"), (user.Uid, user.Gid, user.Home));
        Assert.Equal([0u], user.AdditionalGids);
    }

    [Fact]
    public void Resolve_RunAsUserOverridesImage_AndRunAsGroupApplies()
    {
        var user = _f.User(new ContainerSecurity { RunAsUser = 65534, RunAsGroup = 100 }, "app");

        Assert.Equal((65534u, 100u, "/nonexistent"), (user.Uid, user.Gid, user.Home));
    }

    [Fact]
    public void Resolve_RunAsUsername_LooksUpName()
    {
        Assert.Equal(1000u, _f.User(new ContainerSecurity { RunAsUsername = "app" }).Uid);
    }

    [Fact]
    public void Resolve_SupplementalGroupsMerge_AddedAfterFileGroups()
    {
        var user = _f.User(new ContainerSecurity { RunAsUser = 1000, SupplementalGroups = [5000, 10] });

        Assert.Equal([1000u, 10u, 29u, 100u, 5000u], user.AdditionalGids);
    }

    [Fact]
    public void Resolve_StrictPolicy_IgnoresImageGroupFile()
    {
        var user = _f.User(new ContainerSecurity { RunAsUser = 1000, SupplementalGroups = [5000], SupplementalGroupsPolicy = SupplementalGroupsPolicy.Strict });

        Assert.Equal([1000u, 5000u], user.AdditionalGids);
    }

    [Theory]
    [InlineData("2147483648")]
    [InlineData("2147483648:0")]
    [InlineData("0:2147483648")]
    [InlineData("99999999999999999999")]
    public void Resolve_IdAboveInt32_RejectedNeverReadAsName(string imageUser)
    {
        // A passwd entry literally named "2147483648" must not be found either.
        _f.WriteRootfs("etc/passwd", SpecFixture.Passwd + "2147483648:x:7:7::/:/bin/sh\n");

        Assert.Throws<InvalidInputException>(() => _f.User(new ContainerSecurity(), imageUser));
    }

    [Theory]
    [InlineData(2147483648L)]
    [InlineData(-1L)]
    public void Resolve_RunAsUserOutOfRange_Rejected(long uid)
    {
        Assert.Throws<InvalidInputException>(() => _f.User(new ContainerSecurity { RunAsUser = uid }));
    }

    [Fact]
    public void Resolve_RunAsGroupWithoutUser_Rejected()
    {
        Assert.Throws<InvalidInputException>(() => _f.User(new ContainerSecurity { RunAsGroup = 5 }));
    }

    [Theory]
    [InlineData("nosuchuser")]
    [InlineData("app:nosuchgroup")]
    [InlineData("app\nroot")]
    [InlineData("-1")]
    public void Resolve_UnknownOrMalformedName_Rejected(string imageUser)
    {
        Assert.Throws<InvalidInputException>(() => _f.User(new ContainerSecurity(), imageUser));
    }

    [Fact]
    public void Resolve_PasswdSymlinkedToHostFile_HostFileNotRead()
    {
        var hostFile = _f.Temp.Write("host/passwd", "hostonly:x:4242:4242::/host-home:/bin/sh\n");
        File.Delete(Path.Combine(_f.Rootfs, "etc/passwd"));
        File.CreateSymbolicLink(Path.Combine(_f.Rootfs, "etc/passwd"), hostFile);

        Assert.Throws<InvalidInputException>(() => _f.User(new ContainerSecurity(), "hostonly"));
        Assert.Equal("/", _f.User(new ContainerSecurity(), "4242").Home);
    }

    [Fact]
    public void Resolve_PasswdRelativeSymlinkClimbingOut_StaysInRootfs()
    {
        _f.Temp.Write("etc/passwd", "hostonly:x:4242:4242::/host-home:/bin/sh\n");
        File.Delete(Path.Combine(_f.Rootfs, "etc/passwd"));
        File.CreateSymbolicLink(Path.Combine(_f.Rootfs, "etc/passwd"), "../../../../../../../../etc/shadow-in-image");
        _f.WriteRootfs("etc/shadow-in-image", "inside:x:7:7::/inside:/bin/sh\n");

        Assert.Equal((7u, "/inside"), (_f.User(new ContainerSecurity(), "inside").Uid, _f.User(new ContainerSecurity(), "inside").Home));
        Assert.Throws<InvalidInputException>(() => _f.User(new ContainerSecurity(), "hostonly"));
    }

    [Fact]
    public void Resolve_HugePasswd_RejectedBySizeCap()
    {
        _f.WriteRootfs("etc/passwd", SpecFixture.Passwd + new string('#', (1 << 20) + 1));

        Assert.Throws<InvalidInputException>(() => _f.User(new ContainerSecurity(), "app"));
    }

    [Fact]
    public void Resolve_PasswdIsFifo_TreatedAsAbsentWithoutBlocking()
    {
        File.Delete(Path.Combine(_f.Rootfs, "etc/passwd"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(_f.Rootfs, "etc/passwd")]))
        {
            mkfifo.WaitForExit();
        }

        Assert.Equal(1000u, _f.User(new ContainerSecurity(), "1000").Uid);
        Assert.Throws<InvalidInputException>(() => _f.User(new ContainerSecurity(), "app"));
    }

    [Fact]
    public void Resolve_HomeWithACarriageReturn_Rejected()
    {
        // A line break inside HOME would reach the container's environment and split the lines of files it is written to.
        _f.WriteRootfs("etc/passwd", SpecFixture.Passwd + "odd:x:1234:1234::/home/odd\rX=1:/bin/sh\n");

        var error = Assert.Throws<InvalidInputException>(() => _f.User(new ContainerSecurity(), "odd"));

        Assert.Contains("HOME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParsePasswd_SkipsCommentsNisAndOutOfRangeIds()
    {
        var entries = UserDatabase.ParsePasswd("# c\n+nis::0:0:::\nbig:x:2147483648:0::/:/bin/sh\nok:x:5:6::/h:/bin/sh\nshort:x:1\n");

        Assert.Equal([new PasswdEntry("ok", 5, 6, "/h")], entries);
    }
}
