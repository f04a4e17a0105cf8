using Minato.Cri.Pods;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Cri.Pods;

public sealed class PodUserNamespaceTests
{
    private const string Field = "namespace_options.userns_options";
    private static readonly SandboxNamespaces PodNamespaces = new(NamespaceMode.Pod, NamespaceMode.Container, NamespaceMode.Pod);
    private static readonly LinuxIdMapping Kubelet = new(0, 65536 * 3, 65536);

    public static TheoryData<PodUserNamespace, string> Invalid => new()
    {
        { new(NamespaceMode.Pod, [Kubelet, new(100, 65536 * 9, 5)], [Kubelet]), ".uids: ranges overlap on container_id" },
        { new(NamespaceMode.Pod, [Kubelet], [Kubelet, new(70000, 65536 * 3 + 5, 5)]), ".gids: ranges overlap on host_id" },
        { new(NamespaceMode.Pod, [Kubelet with { Size = 0 }], [Kubelet]), ".uids: range container_id 0 host_id 196608 has length 0" },
        { new(NamespaceMode.Pod, [Kubelet with { HostId = uint.MaxValue - 10 }], [Kubelet]), "overflows 32-bit ids" },
        { new(NamespaceMode.Pod, [Kubelet], [Kubelet with { ContainerId = uint.MaxValue - 65535 }]), ".gids: range container_id 4294901760" },
        { new(NamespaceMode.Pod, [], [Kubelet]), ".uids is required with mode POD" },
        { new(NamespaceMode.Pod, [Kubelet], []), ".gids is required with mode POD" },
        { new(NamespaceMode.Node, [Kubelet], [Kubelet]), "uids and gids must be empty with mode NODE" },
        { new(NamespaceMode.Target, [Kubelet], [Kubelet]), ".mode TARGET is not supported" },
        { new(NamespaceMode.Container, [Kubelet], [Kubelet]), ".mode CONTAINER is not supported" },
        { new(NamespaceMode.Pod, Enumerable.Range(0, 341).Select(i => new LinuxIdMapping((uint)i, 65536 + (uint)i, 1)).ToList(), [Kubelet]), "has 341 ranges; the kernel accepts at most 340" },
        { new(NamespaceMode.Pod, Enumerable.Range(0, 340).Select(i => new LinuxIdMapping(1_000_000_000 + (uint)i, 2_000_000_000 + (uint)i, 1)).ToList(), [Kubelet]), "which takes less than 4096" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_BadMappings_IsInvalidInputNamingTheField(PodUserNamespace options, string expected)
    {
        var e = Assert.Throws<InvalidInputException>(() => options.Validate(Field, PodNamespaces));

        Assert.Contains(Field, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NamespaceMode.Node, NamespaceMode.Container, NamespaceMode.Pod, "own network namespace")]
    [InlineData(NamespaceMode.Pod, NamespaceMode.Container, NamespaceMode.Node, "namespace_options.ipc NODE")]
    [InlineData(NamespaceMode.Pod, NamespaceMode.Node, NamespaceMode.Pod, "namespace_options.pid NODE")]
    public void Validate_HostOrSharedNamespaces_AreRefused(NamespaceMode network, NamespaceMode pid, NamespaceMode ipc, string expected)
    {
        var options = new PodUserNamespace(NamespaceMode.Pod, [Kubelet], [Kubelet]);

        var e = Assert.Throws<InvalidInputException>(() => options.Validate(Field, new SandboxNamespaces(network, pid, ipc)));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KubeletMappingsAnd340Ranges_AreAccepted()
    {
        new PodUserNamespace(NamespaceMode.Pod, [Kubelet], [Kubelet]).Validate(Field, PodNamespaces);
        // 340 lines that fit the kernel's one page of map text.
        var many = Enumerable.Range(0, 340).Select(i => new LinuxIdMapping((uint)i, 1000 + (uint)i, 1)).ToList();
        new PodUserNamespace(NamespaceMode.Pod, many, many).Validate(Field, PodNamespaces);
        PodUserNamespace.Node.Validate(Field, new SandboxNamespaces(NamespaceMode.Node, NamespaceMode.Node, NamespaceMode.Node));
    }

    [Fact]
    public void Validate_SharedProcessNamespace_IsAccepted()
    {
        // The pod's init is started inside the pod's user namespace, so its pid namespace is owned by it.
        var options = new PodUserNamespace(NamespaceMode.Pod, [Kubelet], [Kubelet]);

        var e = Record.Exception(() => options.Validate(Field, new SandboxNamespaces(NamespaceMode.Pod, NamespaceMode.Pod, NamespaceMode.Pod)));

        Assert.Null(e);
    }

    [Fact]
    public void SameAs_DifferentHostId_IsFalse()
    {
        var pod = new PodUserNamespace(NamespaceMode.Pod, [Kubelet], [Kubelet]);

        Assert.True(pod.SameAs(new PodUserNamespace(NamespaceMode.Pod, [Kubelet with { }], [Kubelet])));
        Assert.False(pod.SameAs(pod with { Uids = [Kubelet with { HostId = 65536 * 4 }] }));
        Assert.False(pod.SameAs(PodUserNamespace.Node));
    }
}
