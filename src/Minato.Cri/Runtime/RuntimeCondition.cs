namespace Minato.Cri.Runtime;

/// <summary>One CRI runtime condition as the kubelet reads it from Status.</summary>
/// <param name="Type">RuntimeReady or NetworkReady.</param>
/// <param name="Status">True when the condition holds.</param>
/// <param name="Reason">A CamelCase reason when it does not hold.</param>
/// <param name="Message">A sentence for people when it does not hold.</param>
public sealed record RuntimeCondition(string Type, bool Status, string Reason, string Message)
{
    /// <summary>The runtime can run pods and containers.</summary>
    public const string RuntimeReady = "RuntimeReady";

    /// <summary>Pod networking is configured; the kubelet will not start non-host-network pods without it.</summary>
    public const string NetworkReady = "NetworkReady";
}
