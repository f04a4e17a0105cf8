namespace Minato.Cri.Runtime;

/// <summary>What the CRI Version call answers besides Minato's own version.</summary>
public static class RuntimeIdentity
{
    /// <summary>The runtime's name, as the kubelet logs it and crictl shows it.</summary>
    public const string Name = "minato";

    /// <summary>The CRI API version Minato speaks; the kubelet refuses runtimes that answer anything else.</summary>
    public const string CriApiVersion = "v1";

    /// <summary>The reply's "version": the kubelet's API version string, which the kubelet keeps at 0.1.0; informative only.</summary>
    public const string KubeletApiVersion = "0.1.0";
}
