using System.Text.Json;
using Minato.Engine.Errors;

namespace Minato.Engine.Oci.Spec;

/// <summary>Loads a <c>Localhost</c> seccomp profile: a runtime-spec <c>linux.seccomp</c> JSON file on the node.</summary>
/// <remarks>
/// The path comes from a pod spec, so it is confined twice: lexically (absolute, under the profile directory, no
/// <c>..</c>) and on disk (read with <see cref="RootfsFile"/>, so a symlink inside the directory cannot lead out of it).
/// The file is size-capped and validated before it reaches the runtime, so a bad profile fails CreateContainer with a
/// message instead of failing the runtime later.
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

    /// <summary>Reads and validates the profile at <paramref name="path"/>, which must lie in <paramref name="profileDirectory"/>.</summary>
    /// <param name="profileDirectory">The configured directory; null when Localhost profiles are disabled.</param>
    /// <param name="path">An absolute path, or one relative to <paramref name="profileDirectory"/>.</param>
    /// <exception cref="InvalidInputException">The path escapes the directory, or the file is missing, too large or invalid.</exception>
    public static LinuxSeccomp Load(string? profileDirectory, string path)
    {
        if (string.IsNullOrEmpty(profileDirectory))
        {
            throw new InvalidInputException("Localhost seccomp profiles are not enabled (no seccomp profile directory is configured)");
        }

        var relative = RelativePath(profileDirectory, path);
        var bytes = RootfsFile.Read(profileDirectory, relative, MaxBytes)
            ?? throw new InvalidInputException($"seccomp profile {path} does not exist (or is not a regular file) in {profileDirectory}");
        LinuxSeccomp? profile;
        try
        {
            profile = JsonSerializer.Deserialize(bytes, RuntimeSpecJsonContext.Default.LinuxSeccomp);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"seccomp profile {path} is not valid JSON: {e.Message}", e);
        }

        Validate(path, profile ?? throw new InvalidInputException($"seccomp profile {path} is empty"));
        return profile;
    }

    /// <summary>The path relative to the directory, refusing anything that is not lexically inside it.</summary>
    public static string RelativePath(string profileDirectory, string path)
    {
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal) || path.Split('/').Contains(".."))
        {
            throw new InvalidInputException($"seccomp profile path \"{path}\" must be non-empty, without NUL or '..'");
        }

        var directory = profileDirectory.TrimEnd('/') + "/";
        if (!path.StartsWith('/'))
        {
            return path;
        }

        return path.StartsWith(directory, StringComparison.Ordinal) && path.Length > directory.Length
            ? path[directory.Length..]
            : throw new InvalidInputException($"seccomp profile {path} is outside the seccomp profile directory {profileDirectory}");
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
