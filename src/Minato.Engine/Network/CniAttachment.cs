namespace Minato.Engine.Network;

/// <summary>Which container and namespace a network operation is about, in CNI's own terms.</summary>
/// <param name="ContainerId">CNI_CONTAINERID: the sandbox id (plugins key IP allocations by it).</param>
/// <param name="NetnsPath">CNI_NETNS: the pinned network namespace; empty on DEL when it is gone.</param>
/// <param name="InterfaceName">CNI_IFNAME inside the namespace.</param>
/// <param name="Args">CNI_ARGS pairs, in order; keys and values must not contain ';' or '='.</param>
public sealed record CniAttachment(string ContainerId, string NetnsPath, string InterfaceName, IReadOnlyList<KeyValuePair<string, string>> Args)
{
    /// <summary>The CNI_ARGS string: <c>K=V;K=V</c>.</summary>
    public string ArgsString
    {
        get
        {
            foreach (var (key, value) in Args)
            {
                if (key.AsSpan().IndexOfAny(";=\n\0") >= 0 || value.AsSpan().IndexOfAny(";=\n\0") >= 0)
                {
                    throw new ArgumentException($"CNI_ARGS entry {key} contains ';', '=', newline or NUL");
                }
            }

            return string.Join(';', Args.Select(a => $"{a.Key}={a.Value}"));
        }
    }
}
