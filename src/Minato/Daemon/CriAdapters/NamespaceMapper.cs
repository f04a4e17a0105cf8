using Minato.Cri.Api.V1;
using Minato.Engine.Errors;

namespace Minato.Daemon.CriAdapters;

/// <summary>Maps namespace modes (pod, container, node, target) between the CRI's enum and the core's.</summary>
/// <remarks>Unqualified types are the CRI's generated ones; the core's carry their namespace (<c>Cri.Pods.X</c>).</remarks>
internal static class NamespaceMapper
{
    public static Cri.Pods.NamespaceMode ToCore(NamespaceMode mode) => mode switch
    {
        NamespaceMode.Pod => Cri.Pods.NamespaceMode.Pod,
        NamespaceMode.Container => Cri.Pods.NamespaceMode.Container,
        NamespaceMode.Node => Cri.Pods.NamespaceMode.Node,
        NamespaceMode.Target => Cri.Pods.NamespaceMode.Target,
        _ => throw new InvalidInputException($"unknown namespace mode {(int)mode}"),
    };

    public static NamespaceMode ToProto(Cri.Pods.NamespaceMode mode) => mode switch
    {
        Cri.Pods.NamespaceMode.Pod => NamespaceMode.Pod,
        Cri.Pods.NamespaceMode.Container => NamespaceMode.Container,
        Cri.Pods.NamespaceMode.Node => NamespaceMode.Node,
        _ => NamespaceMode.Target,
    };

    /// <summary>userns_options; absent means the host's user namespace (what kubelets before 1.25 mean by sending none).</summary>
    public static Cri.Pods.PodUserNamespace ToCore(UserNamespace? options) => options is null
        ? Cri.Pods.PodUserNamespace.Node
        : new(ToCore(options.Mode), options.Uids.Select(ToCore).ToList(), options.Gids.Select(ToCore).ToList());

    public static UserNamespace ToProto(Cri.Pods.PodUserNamespace options)
    {
        var proto = new UserNamespace { Mode = ToProto(options.Mode) };
        proto.Uids.AddRange(options.Uids.Select(ToProto));
        proto.Gids.AddRange(options.Gids.Select(ToProto));
        return proto;
    }

    private static Engine.Oci.Spec.LinuxIdMapping ToCore(IDMapping m) => new(m.ContainerId, m.HostId, m.Length);

    private static IDMapping ToProto(Engine.Oci.Spec.LinuxIdMapping m) => new() { ContainerId = m.ContainerId, HostId = m.HostId, Length = m.Size };
}
