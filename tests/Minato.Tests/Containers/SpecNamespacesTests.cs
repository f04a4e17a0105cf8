using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Engine.Errors;
using Minato.Engine.Linux.Cgroups;

namespace Minato.Tests.Containers;

public sealed class SpecNamespacesTests : IDisposable
{
    private readonly SpecFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static ContainerConfig WithPid(NamespaceMode pid, string target = "") =>
        SpecFixture.Config(new ContainerSecurity { Namespaces = new ContainerNamespaces(Pid: pid, TargetId: target) });

    [Fact]
    public void Build_PodPins_JoinedMountNewPidPerContainerCgroupOnV2()
    {
        var list = SpecNamespaces.Build(WithPid(NamespaceMode.Container), _f.Sandbox, null, _f.Options);

        Assert.Equal(
            [new("mount"), new("network", "/run/minato/pods/pod1/ns/net"), new("ipc", "/run/minato/pods/pod1/ns/ipc"),
             new("uts", "/run/minato/pods/pod1/ns/uts"), new("pid"), new("cgroup")],
            list);
    }

    [Fact]
    public void Build_CgroupV1_NoCgroupNamespace()
    {
        var list = SpecNamespaces.Build(WithPid(NamespaceMode.Container), _f.Sandbox, null, _f.Options with { CgroupMode = CgroupMode.Hybrid });

        Assert.DoesNotContain(list, n => n.Type == "cgroup");
    }

    [Fact]
    public void Build_HostNetworkIpcPid_Omitted()
    {
        _f.Sandbox = _f.Sandbox with
        {
            NamespacePaths = new Dictionary<string, string>(),
            Config = _f.Sandbox.Config with { Namespaces = new(NamespaceMode.Node, NamespaceMode.Node, NamespaceMode.Node) },
        };

        var list = SpecNamespaces.Build(WithPid(NamespaceMode.Node), _f.Sandbox, null, _f.Options);

        Assert.Equal(["mount", "cgroup"], list.Select(n => n.Type));
    }

    [Fact]
    public void Build_PodPid_JoinsPodPin()
    {
        _f.Sandbox = _f.Sandbox with { NamespacePaths = new Dictionary<string, string>(_f.Sandbox.NamespacePaths) { ["pid"] = "/run/p/pid" } };

        Assert.Contains(new("pid", "/run/p/pid"), SpecNamespaces.Build(WithPid(NamespaceMode.Pod), _f.Sandbox, null, _f.Options));
    }

    [Fact]
    public void Build_PodPidWithoutPin_Precondition()
    {
        _f.Sandbox = _f.Sandbox with { Config = _f.Sandbox.Config with { Namespaces = new(NamespaceMode.Pod, NamespaceMode.Pod, NamespaceMode.Pod) } };

        Assert.Throws<PreconditionException>(() => SpecNamespaces.Build(WithPid(NamespaceMode.Pod), _f.Sandbox, null, _f.Options));
    }

    [Fact]
    public void Build_TargetPid_LooksUpOtherContainer()
    {
        var list = SpecNamespaces.Build(WithPid(NamespaceMode.Target, "other"), _f.Sandbox, id => id == "other" ? "/proc/4242/ns/pid" : null, _f.Options);

        Assert.Contains(new("pid", "/proc/4242/ns/pid"), list);
    }

    [Fact]
    public void Build_TargetPidUnknown_NotFound()
    {
        Assert.Throws<NotFoundException>(() => SpecNamespaces.Build(WithPid(NamespaceMode.Target, "gone"), _f.Sandbox, _ => null, _f.Options));
        Assert.Throws<InvalidInputException>(() => SpecNamespaces.Build(WithPid(NamespaceMode.Target), _f.Sandbox, _ => "/x", _f.Options));
    }

    [Fact]
    public void Build_PodNetworkNotPinned_Precondition()
    {
        _f.Sandbox = _f.Sandbox with { NamespacePaths = new Dictionary<string, string>() };

        Assert.Throws<PreconditionException>(() => SpecNamespaces.Build(WithPid(NamespaceMode.Container), _f.Sandbox, null, _f.Options));
    }
}
