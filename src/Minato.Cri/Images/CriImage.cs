namespace Minato.Cri.Images;

/// <summary>An image as the CRI reports it.</summary>
/// <remarks><c>Uid</c> is set when the image's USER is numeric (or empty: root); <c>Username</c> when it is a name.</remarks>
public sealed record CriImage(
    string Id, IReadOnlyList<string> RepoTags, IReadOnlyList<string> RepoDigests, ulong Size, long? Uid, string Username, bool Pinned)
{
    /// <summary>Splits an image USER (<c>uid</c>, <c>uid:gid</c>, <c>name</c>, <c>name:group</c>, empty) the way the kubelet expects.</summary>
    public static (long? Uid, string Username) ParseUser(string? user)
    {
        var name = (user ?? "").Split(':')[0];
        if (name.Length == 0)
        {
            // No USER: the process runs as root, which the kubelet's runAsNonRoot check must see.
            return (0, "");
        }

        return long.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var uid)
            ? (uid, "")
            : (null, name);
    }
}

/// <summary>Usage of the image filesystem for ImageFsInfo.</summary>
public sealed record ImageFsUsage(long TimestampNanos, string Mountpoint, ulong UsedBytes, ulong InodesUsed);
