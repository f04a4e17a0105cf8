using System.Text.RegularExpressions;
using Minato.Engine.Errors;

namespace Minato.Engine.Oci.Spec;

/// <summary>Checks for request values that end up in argv, env, paths or files the runtime reads.</summary>
/// <remarks>
/// NUL cannot be passed through execve or a path and would silently shorten the value; a newline in a path or
/// a name would split a line of /proc/self/mountinfo, passwd or group. <c>/proc/self/fd/N</c> (and
/// <c>/proc/PID/fd/N</c>) paths can name a descriptor the runtime leaked into the container (CVE-2024-21626), so
/// they are never accepted as a working dir or a mount path.
/// </remarks>
public static partial class SpecValues
{
    /// <summary>Rejects NUL in <paramref name="value"/>.</summary>
    public static string NoNul(string field, string value) =>
        value.Contains('\0', StringComparison.Ordinal) ? throw new InvalidInputException($"{field} contains a NUL byte") : value;

    /// <summary>Rejects NUL, CR and LF in <paramref name="value"/>.</summary>
    public static string SingleLine(string field, string value) =>
        value.AsSpan().IndexOfAny('\0', '\n', '\r') >= 0 ? throw new InvalidInputException($"{field} \"{Printable(value)}\" contains a NUL or newline") : value;

    /// <summary>An absolute, single-line path, cleaned ("a//b/./c" → "/a/b/c"); '..' is resolved lexically and cannot climb above '/'.</summary>
    public static string AbsolutePath(string field, string value)
    {
        SingleLine(field, value);
        if (!value.StartsWith('/'))
        {
            throw new InvalidInputException($"{field} \"{value}\" must be an absolute path");
        }

        return Clean(value);
    }

    /// <summary>The path as a clean absolute one: no empty, "." or ".." components (".." stops at the root), lexically.</summary>
    public static string Clean(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }

    /// <summary>An absolute container path that is not a process's descriptor link.</summary>
    public static string ContainerPath(string field, string value)
    {
        var clean = AbsolutePath(field, value);
        return IsProcFd(value) || IsProcFd(clean)
            ? throw new InvalidInputException($"{field} \"{value}\" names a process file descriptor (/proc/*/fd), which is not allowed")
            : clean;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="parent"/> or below it.</summary>
    public static bool IsUnder(string path, string parent) =>
        path == parent || path.StartsWith(parent.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>The path with control characters shown escaped, for messages.</summary>
    public static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));

    private static bool IsProcFd(string path) => ProcFd().IsMatch(path);

    [GeneratedRegex(@"^/+proc/+(self|thread-self|[0-9]+)(/+task/+[0-9]+)?/+fd(/|$)")]
    private static partial Regex ProcFd();
}
