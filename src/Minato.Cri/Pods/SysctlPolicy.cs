using Minato.Engine.Errors;

namespace Minato.Cri.Pods;

/// <summary>Which sysctls a pod may set, and what a safe key and value look like.</summary>
/// <remarks>
/// Only sysctls that the kernel namespaces are accepted, and only when the pod owns that namespace; anything
/// else would change the node. Keys and values are checked character by character because they end up in a
/// /proc/sys path and in a kernel write.
/// </remarks>
public static class SysctlPolicy
{
    /// <summary>Longest accepted value (the kernel's own buffers are a page; real values are short).</summary>
    public const int MaxValueLength = 256;

    /// <summary>The namespace a sysctl belongs to.</summary>
    public enum Scope
    {
        Ipc,
        Net,
    }

    /// <summary>Validates <paramref name="key"/> and <paramref name="value"/> for a pod with these namespaces.</summary>
    /// <returns>The namespace the sysctl is applied in.</returns>
    /// <exception cref="InvalidInputException">The sysctl is not namespaced, not allowed here, or malformed.</exception>
    public static Scope Validate(string key, string value, SandboxNamespaces namespaces)
    {
        if (!IsWellFormedKey(key))
        {
            throw new InvalidInputException($"sysctl \"{Printable(key)}\": a key is dot-separated names of letters, digits, '_' and '-'");
        }

        if (!IsWellFormedValue(value))
        {
            throw new InvalidInputException(
                $"sysctl {key}: value \"{Printable(value)}\" may only contain letters, digits, spaces, tabs and . , : _ - (at most {MaxValueLength} characters)");
        }

        var scope = Classify(key) ?? throw new InvalidInputException($"sysctl {key} is not namespaced: setting it would change the whole node");
        if (scope == Scope.Net && !namespaces.PrivateNetwork)
        {
            throw new InvalidInputException($"sysctl {key} needs the pod's own network namespace (the pod uses the host network)");
        }

        if (scope == Scope.Ipc && !namespaces.PrivateIpc)
        {
            throw new InvalidInputException($"sysctl {key} needs the pod's own IPC namespace (the pod uses the host IPC)");
        }

        return scope;
    }

    /// <summary>The /proc/sys path of a validated key.</summary>
    public static string ProcPath(string key) => "/proc/sys/" + key.Replace('.', '/');

    /// <summary>The namespace of a sysctl the kernel keeps per namespace, or null for a node-wide one.</summary>
    public static Scope? Classify(string key)
    {
        if (key.StartsWith("net.", StringComparison.Ordinal))
        {
            return Scope.Net;
        }

        if (key is "kernel.sem" || key.StartsWith("fs.mqueue.", StringComparison.Ordinal) ||
            key.StartsWith("kernel.shm", StringComparison.Ordinal) || key.StartsWith("kernel.msg", StringComparison.Ordinal))
        {
            return Scope.Ipc;
        }

        return null;
    }

    private static bool IsWellFormedKey(string key)
    {
        if (key.Length is 0 or > 256)
        {
            return false;
        }

        foreach (var part in key.Split('.'))
        {
            if (part.Length == 0 || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWellFormedValue(string value) =>
        value.Length is > 0 and <= MaxValueLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '\t' or '.' or ',' or ':' or '_' or '-');

    private static string Printable(string s) =>
        new(s.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
