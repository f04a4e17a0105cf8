using Minato.Cri.Pods;

namespace Minato.Tests.Cri.Pods;

public sealed class PodCgroupTests
{
    [Theory]
    [InlineData("kubepods-burstable-pod1234.slice", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice")]
    [InlineData("kubepods.slice", "/kubepods.slice")]
    [InlineData("-.slice", "/")]
    public void SlicePath_SystemdSliceName_NestsLikeSystemd(string slice, string path)
    {
        Assert.Equal(path, PodCgroup.SlicePath(slice));
    }
}
