using Minato.Engine.Devices.Cdi;

namespace Minato.Tests.Engine.Devices.Cdi;

public sealed class CdiDeviceNameTests
{
    [Theory]
    [InlineData("nvidia.com/gpu=0", "nvidia.com", "gpu", "0")]
    [InlineData("vendor.com/class=all", "vendor.com", "class", "all")]
    [InlineData("foo.bar.baz/foo-bar123.B_az=dev:1.a", "foo.bar.baz", "foo-bar123.B_az", "dev:1.a")]
    [InlineData("v/c=x", "v", "c", "x")]
    public void TryParse_QualifiedName_SplitsVendorClassAndName(string text, string vendor, string @class, string name)
    {
        Assert.True(CdiDeviceName.TryParse(text, out var parsed, out var error), error);

        Assert.Equal(new CdiDeviceName(vendor, @class, name), parsed);
        Assert.Equal(text, parsed.ToString());
        Assert.Equal($"{vendor}/{@class}", parsed.Kind);
    }

    [Theory]
    [InlineData("", "1 to 512")]
    [InlineData("gpu0", "fully qualified")]
    [InlineData("nvidia.com/gpu", "fully qualified")]
    [InlineData("gpu=0", "fully qualified")]
    [InlineData("/gpu=0", "the vendor is empty")]
    [InlineData("nvidia.com/=0", "the class is empty")]
    [InlineData("nvidia.com/gpu=", "the device name is empty")]
    [InlineData("1vendor.com/gpu=0", "vendor \"1vendor.com\" must start with a letter")]
    [InlineData("nvidia.com/gpu-=0", "class \"gpu-\" must start with a letter and end with a letter or digit")]
    [InlineData("nvidia.com/g pu=0", "may hold only")]
    [InlineData("nvidia.com/gpu=0-", "must start and end with a letter or digit")]
    [InlineData("nvidia.com/gpu=a/b", "may hold only")]
    [InlineData("nvidia.com/gpu=a\0b", "may hold only")]
    public void TryParse_MalformedName_IsRefusedWithTheReason(string text, string reason)
    {
        Assert.False(CdiDeviceName.TryParse(text, out _, out var error));

        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_OverlongName_IsRefused()
    {
        Assert.False(CdiDeviceName.TryParse("v.com/c=" + new string('a', CdiDeviceName.MaxLength), out _, out var error));

        Assert.Contains("512", error, StringComparison.Ordinal);
    }
}
