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
}
