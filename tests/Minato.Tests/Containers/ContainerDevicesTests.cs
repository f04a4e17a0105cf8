using Minato.Cri.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Containers;

public sealed class ContainerDevicesTests
{
    private static readonly FakeHostDevices Host = new();

    [Fact]
    public void Build_Requested_StatedNodeAndAllowRule()
    {
        var config = SpecFixture.Config() with { Devices = [new("/dev/fuse-in-container", "/dev/fuse", "rw")] };

        var plan = ContainerDevices.Build(config, Host);

        var device = Assert.Single(plan.Devices);
        Assert.Equal(("/dev/fuse-in-container", "c", 10L, 229L, 0x1B6u), (device.Path, device.Type, device.Major, device.Minor, device.FileMode!.Value));
        Assert.Equal(new LinuxDeviceCgroup(false, Access: "rwm"), plan.Rules[0]);
        Assert.Equal(new LinuxDeviceCgroup(true, "c", 10, 229, "rw"), plan.Rules[^1]);
        Assert.Contains(new LinuxDeviceCgroup(true, "c", 1, 3, "rwm"), plan.Rules);
    }

    [Theory]
    [InlineData("/dev/nonexistent", "rwm")]
    [InlineData("/dev/fuse", "rwx")]
    [InlineData("/dev/fuse", "rr")]
    [InlineData("/proc/self/fd/3", "r")]
    public void Build_UnknownDeviceOrBadPermissions_Rejected(string host, string permissions)
    {
        var config = SpecFixture.Config() with { Devices = [new("/dev/x", host, permissions)] };

        Assert.Throws<InvalidInputException>(() => ContainerDevices.Build(config, Host));
    }

    [Fact]
    public void Build_Privileged_AllHostDevicesAllowAll()
    {
        var plan = ContainerDevices.Build(SpecFixture.Config(new ContainerSecurity { Privileged = true }), Host);

        Assert.Equal(["/dev/fuse", "/dev/loop0"], plan.Devices.Select(d => d.Path));
        Assert.Equal(new LinuxDeviceCgroup(true, Access: "rwm"), plan.Rules[^1]);
    }

    [Fact]
    public void HostDevices_DevNull_IsCharacter1_3()
    {
        var null_ = new HostDevices().Find("/dev/null");

        Assert.Equal(("c", 1L, 3L), (null_!.Type, null_.Major, null_.Minor));
        Assert.Null(new HostDevices().Find("/etc/hostname"));
    }
}
