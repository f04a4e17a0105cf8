using Minato.Engine.Errors;

namespace Minato.Engine.Oci.Spec;

/// <summary>The ids and home directory a container process runs with.</summary>
public sealed record ResolvedUser(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids, string Home);

/// <summary>Resolves a user and group, each a name or a numeric id, against the image's own /etc/passwd and /etc/group.</summary>
/// <remarks>
/// The files are read inside the rootfs with <see cref="RootfsFile"/> (symlinks resolved as if the rootfs were '/',
/// size-capped), so an image cannot make Minato read a host file. A purely numeric id above 2^31−1 is rejected and
/// never looked up as a name, so "2147483648" cannot turn into some user named that.
/// </remarks>
public static class ImageUsers
{
    /// <summary>The ids of <paramref name="user"/> (empty for root) and <paramref name="group"/> (empty for the user's own
    /// group); with <paramref name="memberships"/> the groups that list the user as a member are added.</summary>
    /// <exception cref="InvalidInputException">A name is not in the image's files.</exception>
    public static ResolvedUser Resolve(string rootfs, string user, string group, bool memberships, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(group);
        var passwd = new Lazy<IReadOnlyList<PasswdEntry>>(() =>
            UserDatabase.ParsePasswd(RootfsFile.ReadText(rootfs, "etc/passwd", maxBytes) ?? string.Empty));
        var groups = new Lazy<IReadOnlyList<GroupEntry>>(() =>
            UserDatabase.ParseGroup(RootfsFile.ReadText(rootfs, "etc/group", maxBytes) ?? string.Empty));

        var numericUid = Numeric("user", user);
        var entry = numericUid is { } id
            ? passwd.Value.FirstOrDefault(e => e.Uid == id)
            : passwd.Value.FirstOrDefault(e => e.Name == user)
                ?? throw new InvalidInputException($"user \"{user}\" is not in the image's /etc/passwd");
        var uid = numericUid ?? entry!.Uid;
        var gid = group.Length == 0 ? entry?.Gid ?? 0 : Numeric("group", group)
            ?? groups.Value.FirstOrDefault(g => g.Name == group)?.Gid
            ?? throw new InvalidInputException($"group \"{group}\" is not in the image's /etc/group");

        var additional = new List<uint> { gid };
        if (memberships && (entry?.Name ?? user) is { Length: > 0 } name)
        {
            additional.AddRange(groups.Value.Where(g => g.Members.Contains(name)).Select(g => g.Gid));
        }

        var home = entry?.Home is { Length: > 0 } h ? h : "/";
        SpecValues.SingleLine("HOME from the image's /etc/passwd", home);
        return new ResolvedUser(uid, gid, additional.Distinct().ToList(), home);
    }

    /// <summary>Checks a user or group name (or id) taken from a request or an image.</summary>
    /// <exception cref="InvalidInputException">It is empty, multi-line, has ':' or starts with '-' or '+'.</exception>
    public static string Name(string field, string value)
    {
        SpecValues.SingleLine(field, value);
        if (value.Length == 0 || value.Contains(':', StringComparison.Ordinal) || (value[0] is '-' or '+'))
        {
            throw new InvalidInputException($"{field} \"{value}\" is not a valid user or group name or id");
        }

        return value;
    }

    /// <summary>The id when <paramref name="value"/> is all digits (and in range), null when it is a name.</summary>
    private static uint? Numeric(string field, string value) =>
        !value.All(char.IsAsciiDigit) ? null
            : UserDatabase.Id(value) ?? throw new InvalidInputException($"{field} id {value} is larger than {UserDatabase.MaxId}");
}
