using Minato.Engine.Errors;
using Minato.Engine.Oci;

namespace Minato.Cri.Containers;

/// <summary>The ids and home directory a container process runs with.</summary>
public sealed record ResolvedUser(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids, string Home);

/// <summary>Resolves run_as_* or the image USER against the image's own /etc/passwd and /etc/group.</summary>
/// <remarks>
/// The files are read inside the rootfs with <see cref="RootfsFile"/> (symlinks resolved as if the rootfs were '/',
/// size-capped), so an image cannot make Minato read a host file. A purely numeric id above 2^31−1 is rejected and
/// never looked up as a name, so "2147483648" cannot turn into some user named that.
/// </remarks>
public static class UserResolver
{
    public static ResolvedUser Resolve(string rootfs, ContainerSecurity security, string imageUser, int maxBytes)
    {
        var (user, group) = Requested(security, imageUser);
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
        if (security.SupplementalGroupsPolicy == SupplementalGroupsPolicy.Merge && (entry?.Name ?? user) is { Length: > 0 } name)
        {
            additional.AddRange(groups.Value.Where(g => g.Members.Contains(name)).Select(g => g.Gid));
        }

        additional.AddRange(security.SupplementalGroups.Select(g => CheckedId("supplemental_groups", g)));
        var home = entry?.Home is { Length: > 0 } h ? h : "/";
        SpecValues.SingleLine("HOME from the image's /etc/passwd", home);
        return new ResolvedUser(uid, gid, additional.Distinct().ToList(), home);
    }

    /// <summary>The user and group strings asked for: CRI run_as_* first, then the image USER.</summary>
    private static (string User, string Group) Requested(ContainerSecurity security, string imageUser)
    {
        var group = security.RunAsGroup is { } g ? CheckedId("run_as_group", g).ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        if (security.RunAsUser is { } uid)
        {
            return (CheckedId("run_as_user", uid).ToString(System.Globalization.CultureInfo.InvariantCulture), group);
        }

        if (security.RunAsUsername.Length > 0)
        {
            return (Name("run_as_username", security.RunAsUsername), group);
        }

        if (group.Length > 0)
        {
            throw new InvalidInputException("run_as_group needs run_as_user or run_as_username");
        }

        var parts = SpecValues.SingleLine("image USER", imageUser).Split(':', 2);
        var user = parts[0].Length == 0 ? "0" : Name("image USER", parts[0]);
        return (user, parts.Length == 2 ? Name("image USER group", parts[1]) : string.Empty);
    }

    /// <summary>The id when <paramref name="value"/> is all digits (and in range), null when it is a name.</summary>
    private static uint? Numeric(string field, string value) =>
        !value.All(char.IsAsciiDigit) ? null
            : UserDatabase.Id(value) ?? throw new InvalidInputException($"{field} id {value} is larger than {UserDatabase.MaxId}");

    private static uint CheckedId(string field, long value) =>
        value is < 0 or > UserDatabase.MaxId ? throw new InvalidInputException($"{field} {value} is not between 0 and {UserDatabase.MaxId}") : (uint)value;

    private static string Name(string field, string value)
    {
        SpecValues.SingleLine(field, value);
        if (value.Length == 0 || value.Contains(':', StringComparison.Ordinal) || (value[0] is '-' or '+'))
        {
            throw new InvalidInputException($"{field} \"{value}\" is not a valid user or group name or id");
        }

        return value;
    }
}
