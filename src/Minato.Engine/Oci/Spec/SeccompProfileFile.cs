using System.Text.Json;
using Minato.Engine.Errors;

namespace Minato.Engine.Oci.Spec;

/// <summary>Loads a <c>Localhost</c> seccomp profile: a runtime-spec <c>linux.seccomp</c> JSON file on the node.</summary>
/// <remarks>
/// The kubelet resolves <c>localhostProfile</c> under its own <c>--root-dir</c> and sends an absolute path, and
/// containerd and CRI-O load any absolute path, so by default any absolute path to a regular file is accepted. An
/// operator may set a profile root (<c>seccomp_profile_root</c>); then the path is confined twice: lexically (under
/// the root, no <c>..</c>) and on disk (read with <see cref="RootfsFile"/>, so a symlink inside the root cannot lead
/// out of it). Either way the file is size-capped and validated before it reaches the runtime, so a bad profile fails
/// CreateContainer with a message naming the file instead of failing the runtime later.
/// </remarks>
public static class SeccompProfileFile
{
    /// <summary>Largest profile accepted; real profiles are a few tens of kilobytes.</summary>
    public const int MaxBytes = 1 << 20;

    private static readonly HashSet<string> Actions =
    [
        "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
        "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
    ];

    private static readonly HashSet<string> Operators =
    [
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
    ];

    /// <summary>Reads and validates the profile at <paramref name="path"/>.</summary>
    /// <param name="profileRoot">The configured root profiles must lie in; null or empty allows any absolute path.</param>
    /// <param name="path">An absolute path; with a root, also a path relative to it.</param>
    /// <exception cref="InvalidInputException">The path is relative (without a root) or escapes the root, or the file is
    /// missing, not a regular file, too large or not a valid profile.</exception>
    public static LinuxSeccomp Load(string? profileRoot, string path)
    {
        byte[] bytes;
        if (string.IsNullOrEmpty(profileRoot))
        {
            if (!path.StartsWith('/'))
            {
                throw new InvalidInputException($"seccomp profile \"{path}\" must be an absolute path (no seccomp_profile_root is configured to resolve it in)");
            }

            bytes = RootfsFile.ReadHostFile("seccomp profile", path, MaxBytes);
        }
        else
        {
            var relative = RelativePath(profileRoot, path);
            bytes = RootfsFile.Read(profileRoot, relative, MaxBytes)
                ?? throw new InvalidInputException($"seccomp profile {path} does not exist (or is not a regular file) in the seccomp profile root {profileRoot}");
        }

        return Parse(path, bytes);
    }

    /// <summary>Parses and validates a profile's JSON (at most <see cref="MaxBytes"/>); <paramref name="name"/> names it in messages.</summary>
    /// <exception cref="InvalidInputException">Too large, not JSON, or not a valid profile.</exception>
    public static LinuxSeccomp Parse(string name, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw new InvalidInputException($"seccomp profile {name} is larger than {MaxBytes} bytes");
        }

        LinuxSeccomp? profile;
        try
        {
            profile = JsonSerializer.Deserialize(bytes, RuntimeSpecJsonContext.Default.LinuxSeccomp);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"seccomp profile {name} is not valid JSON: {e.Message}", e);
        }

        Validate(name, profile ?? throw new InvalidInputException($"seccomp profile {name} is empty"));
        return profile;
    }

    /// <summary>The path relative to the root, refusing anything that is not lexically inside it.</summary>
    public static string RelativePath(string profileRoot, string path)
    {
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal) || path.Split('/').Contains(".."))
        {
            throw new InvalidInputException($"seccomp profile path \"{path}\" must be non-empty, without NUL or '..'");
        }

        var directory = profileRoot.TrimEnd('/') + "/";
        if (!path.StartsWith('/'))
        {
            return path;
        }

        return path.StartsWith(directory, StringComparison.Ordinal) && path.Length > directory.Length
            ? path[directory.Length..]
            : throw new InvalidInputException($"seccomp profile {path} is outside the seccomp profile root {profileRoot} (seccomp_profile_root)");
    }

    private static void Validate(string path, LinuxSeccomp profile)
    {
        if (profile.DefaultAction is null || !Actions.Contains(profile.DefaultAction))
        {
            throw new InvalidInputException($"seccomp profile {path}: defaultAction \"{profile.DefaultAction}\" is not an SCMP_ACT_* action");
        }

        if (profile.Architectures?.FirstOrDefault(a => !a.StartsWith("SCMP_ARCH_", StringComparison.Ordinal)) is { } arch)
        {
            throw new InvalidInputException($"seccomp profile {path}: architecture \"{arch}\" is not an SCMP_ARCH_* name");
        }

        foreach (var rule in profile.Syscalls ?? [])
        {
            if (rule.Names is null || rule.Names.Count == 0 || rule.Names.Any(n => n.Length == 0 || !n.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')))
            {
                throw new InvalidInputException($"seccomp profile {path}: every syscall rule needs names made of a-z, 0-9 and '_'");
            }

            if (rule.Action is null || !Actions.Contains(rule.Action))
            {
                throw new InvalidInputException($"seccomp profile {path}: action \"{rule.Action}\" for {rule.Names[0]} is not an SCMP_ACT_* action");
            }

            if (rule.Args?.FirstOrDefault(a => a.Index > 5 || a.Op is null || !Operators.Contains(a.Op)) is { } bad)
            {
                throw new InvalidInputException($"seccomp profile {path}: argument {bad.Index} \"{bad.Op}\" for {rule.Names[0]} is not valid");
            }
        }
    }
}
