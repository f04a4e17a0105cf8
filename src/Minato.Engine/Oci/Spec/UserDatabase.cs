using System.Globalization;

namespace Minato.Engine.Oci.Spec;

/// <summary>One /etc/passwd line: name, ids and home directory.</summary>
public sealed record PasswdEntry(string Name, uint Uid, uint Gid, string Home);

/// <summary>One /etc/group line: name, id and member user names.</summary>
public sealed record GroupEntry(string Name, uint Gid, IReadOnlyList<string> Members);

/// <summary>Parses an image's /etc/passwd and /etc/group the way libc's files backend reads them.</summary>
/// <remarks>Lines that are comments, NIS <c>+</c>/<c>-</c> entries, malformed, or carry an id above 2^31−1 are skipped
/// rather than guessed at: a skipped line can only make a name unknown, never map it to the wrong id.</remarks>
public static class UserDatabase
{
    /// <summary>The largest id accepted anywhere: ids above it are negative in the kernel's signed views.</summary>
    public const long MaxId = int.MaxValue;

    public static IReadOnlyList<PasswdEntry> ParsePasswd(string text) =>
        Lines(text).Select(f => f.Length >= 7 && Id(f[2]) is { } uid && Id(f[3]) is { } gid
            ? new PasswdEntry(f[0], uid, gid, f[5]) : null).OfType<PasswdEntry>().ToList();

    public static IReadOnlyList<GroupEntry> ParseGroup(string text) =>
        Lines(text).Select(f => f.Length >= 4 && Id(f[2]) is { } gid
            ? new GroupEntry(f[0], gid, f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : null)
            .OfType<GroupEntry>().ToList();

    /// <summary>A decimal id in 0..2^31−1, or null.</summary>
    public static uint? Id(string text) =>
        text.Length is > 0 and <= 10 && text.All(char.IsAsciiDigit) && long.Parse(text, CultureInfo.InvariantCulture) is var id && id <= MaxId
            ? (uint)id : null;

    private static IEnumerable<string[]> Lines(string text) =>
        text.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Length > 0 && l[0] is not ('#' or '+' or '-'))
            .Select(l => l.Split(':'))
            .Where(f => f[0].Length > 0);
}
