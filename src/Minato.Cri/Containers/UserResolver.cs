using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>Resolves run_as_* or the image USER against the image's own /etc/passwd and /etc/group (see <see cref="ImageUsers"/>).</summary>
public static class UserResolver
{
    public static ResolvedUser Resolve(string rootfs, ContainerSecurity security, string imageUser, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(security);
        var (user, group) = Requested(security, imageUser);
        var resolved = ImageUsers.Resolve(rootfs, user, group, security.SupplementalGroupsPolicy == SupplementalGroupsPolicy.Merge, maxBytes);
        if (security.SupplementalGroups.Count == 0)
        {
            return resolved;
        }

        var additional = resolved.AdditionalGids.Concat(security.SupplementalGroups.Select(g => CheckedId("supplemental_groups", g)));
        return resolved with { AdditionalGids = additional.Distinct().ToList() };
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
            return (ImageUsers.Name("run_as_username", security.RunAsUsername), group);
        }

        if (group.Length > 0)
        {
            throw new InvalidInputException("run_as_group needs run_as_user or run_as_username");
        }

        var parts = SpecValues.SingleLine("image USER", imageUser).Split(':', 2);
        var user = parts[0].Length == 0 ? "0" : ImageUsers.Name("image USER", parts[0]);
        return (user, parts.Length == 2 ? ImageUsers.Name("image USER group", parts[1]) : string.Empty);
    }

    private static uint CheckedId(string field, long value) =>
        value is < 0 or > UserDatabase.MaxId ? throw new InvalidInputException($"{field} {value} is not between 0 and {UserDatabase.MaxId}") : (uint)value;
}
