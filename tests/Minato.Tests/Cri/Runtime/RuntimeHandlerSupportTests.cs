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
    public void For_AnyHandler_UserNamespacesNotYetSupported()
    {
        var listed = RuntimeHandlerSupport.For(Handlers, "crun", new HashSet<string> { "crun", "runc" });

        Assert.All(listed, h => Assert.False(h.UserNamespaces));
    }

    [Fact]
    public void For_RecursiveReadOnly_OnlyForTheHandlersThatMakeItAndTheDefaultAmongThem()
    {
        var listed = RuntimeHandlerSupport.For(Handlers, "runc", new HashSet<string> { "runc" });

        Assert.Equal([("crun", false), ("runc", true), ("", true)], listed.Select(h => (h.Name, h.RecursiveReadOnlyMounts)));
        Assert.All(RuntimeHandlerSupport.For(Handlers, "runc"), h => Assert.False(h.RecursiveReadOnlyMounts));
    }

    [Fact]
    public void For_DefaultNotConfigured_NoEmptyName()
    {
        var listed = RuntimeHandlerSupport.For(Handlers, "kata");

        Assert.DoesNotContain(listed, h => h.Name.Length == 0);
    }
}
