using Minato.Cri.Containers;
using Minato.Engine.Containers;
using Minato.Engine.Errors;

namespace Minato.Tests.Containers;

public sealed class RecursiveReadOnlyMountTests : IDisposable
{
    private readonly SpecFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Build_RecursiveReadOnlyOnASupportingHandler_BindsWithRro()
    {
        var config = SpecFixture.Config() with { Mounts = [new("/data", "/srv/data", Readonly: true, RecursiveReadOnly: true)] };

        var plan = ContainerMounts.Build(config, _f.Sandbox, ImageRuntimeConfig.Empty, recursiveReadOnly: true);

        var mount = plan.Mounts.Single(m => m.Destination == "/data");
        Assert.Equal(("bind", "/srv/data"), (mount.Type, mount.Source));
        Assert.Equal(["rbind", "rprivate", "ro", "rro"], mount.Options);
    }

    [Fact]
    public void Build_ReadonlyWithoutRecursive_HasNoRro()
    {
        var config = SpecFixture.Config() with { Mounts = [new("/data", "/srv/data", Readonly: true)] };

        var plan = ContainerMounts.Build(config, _f.Sandbox, ImageRuntimeConfig.Empty, recursiveReadOnly: true);

        Assert.DoesNotContain("rro", plan.Mounts.Single(m => m.Destination == "/data").Options!);
    }

    [Theory]
    [InlineData(false, MountPropagation.Private, true, "needs readonly to be set as well")]
    [InlineData(true, MountPropagation.HostToContainer, true, "needs private propagation (got HostToContainer)")]
    [InlineData(true, MountPropagation.Bidirectional, true, "needs private propagation (got Bidirectional)")]
    [InlineData(true, MountPropagation.Private, false, "runtime handler runc does not make recursive read-only mounts on this host")]
    public void Build_RecursiveReadOnlyThatCannotHold_IsInvalidAndNamesTheMount(bool readOnly, MountPropagation propagation, bool supported, string reason)
    {
        var config = SpecFixture.Config() with { Mounts = [new("/data", "/srv/data", readOnly, Propagation: propagation, RecursiveReadOnly: true)] };

        var error = Assert.Throws<InvalidInputException>(() => ContainerMounts.Build(config, _f.Sandbox, ImageRuntimeConfig.Empty, supported));

        Assert.StartsWith("mounts.recursive_read_only of /data", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ThroughTheSpecBuilder_UsesTheHandlersThatSupportRro()
    {
        var config = SpecFixture.Config() with { Mounts = [new("/data", "/srv/data", Readonly: true, RecursiveReadOnly: true)] };
        _f.Options = _f.Options with { RecursiveReadOnlyHandlers = new HashSet<string> { "crun" } };
        Assert.Throws<InvalidInputException>(() => _f.Build(config));

        _f.Options = _f.Options with { RecursiveReadOnlyHandlers = new HashSet<string> { "runc" } };

        Assert.Contains("rro", _f.Build(config).Spec.Mounts!.Single(m => m.Destination == "/data").Options!);
    }
}
