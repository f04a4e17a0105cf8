using Minato.Cri.Runtime;
using Minato.Engine.Oci;

namespace Minato.Tests.Cri.Runtime;

public sealed class RuntimeHandlerSupportTests
{
    private static readonly OciRuntimeHandler[] Handlers = [new("crun", "crun", "/run/x/crun"), new("runc", "runc", "/run/x/runc")];

    [Fact]
    public void For_TwoHandlersDefaultRunc_BothThenTheDefaultUnderTheEmptyName()
    {
        var listed = RuntimeHandlerSupport.For(Handlers, "runc");

        Assert.Equal(["crun", "runc", ""], listed.Select(h => h.Name));
    }

    [Fact]
    public void For_AnyHandler_RecursiveReadOnlyAndUserNamespacesNotYetSupported()
    {
        var listed = RuntimeHandlerSupport.For(Handlers, "crun");

        Assert.All(listed, h => Assert.False(h.RecursiveReadOnlyMounts || h.UserNamespaces));
    }

    [Fact]
    public void For_DefaultNotConfigured_NoEmptyName()
    {
        var listed = RuntimeHandlerSupport.For(Handlers, "kata");

        Assert.DoesNotContain(listed, h => h.Name.Length == 0);
    }
}
