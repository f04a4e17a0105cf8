using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Minato.Engine.Errors;

namespace Minato.Engine.Volumes;

/// <summary>Names of local volumes: dockerd's rule, which also keeps a name a single safe path component.</summary>
public static partial class VolumeName
{
    /// <summary>Longest name accepted: one file name on Linux.</summary>
    public const int MaxLength = 255;

    /// <summary>True when <paramref name="name"/> matches <c>[a-zA-Z0-9][a-zA-Z0-9_.-]+</c> and fits a file name.</summary>
    public static bool IsValid(string? name) => name is { Length: >= 2 and <= MaxLength } && Pattern().IsMatch(name);

    /// <summary>Refuses a name that is not valid, with dockerd's explanation.</summary>
    /// <exception cref="InvalidInputException">The name breaks the rule.</exception>
    public static void Check(string name)
    {
        if (!IsValid(name))
        {
            throw new InvalidInputException(
                $"volume name \"{Shorten(name)}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed " +
                $"(at least 2 and at most {MaxLength} characters). If you intended to pass a host directory, use absolute path");
        }
    }

    /// <summary>A fresh anonymous name: 64 lowercase hex digits, as dockerd gives.</summary>
    public static string NewAnonymous() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string Shorten(string name) => name.Length <= 80 ? name : name[..80] + "...";

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
