using Minato.Engine.Linux.Namespaces;

namespace Minato.Cri.Stats;

/// <summary>Which of a pod's network interfaces its stats and metrics report, and which one stands for the pod.</summary>
public static class PodInterfaces
{
    /// <summary>The name CNI plugins give the pod's interface.</summary>
    public const string CniInterface = "eth0";

    private const string Loopback = "lo";

    /// <summary>Every interface but loopback: what a pod sends itself is not network use.</summary>
    public static IReadOnlyList<InterfaceCounters> Reported(IEnumerable<InterfaceCounters> interfaces) =>
        interfaces.Where(i => i.Name != Loopback).ToList();

    /// <summary>
    /// The pod's default interface, which the kubelet reads for the pod's network use: <see cref="CniInterface"/>, else the
    /// first reported one; null when there is none.
    /// </summary>
    public static InterfaceCounters? Default(IEnumerable<InterfaceCounters> interfaces)
    {
        var reported = Reported(interfaces);
        return reported.FirstOrDefault(i => i.Name == CniInterface) ?? (reported.Count > 0 ? reported[0] : null);
    }
}
