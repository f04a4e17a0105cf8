namespace Minato.Engine.Images.Snapshots;

/// <summary>Turns a name from a tar header into a clean path relative to the snapshot root.</summary>
/// <remarks>
/// A leading '/', empty components and "." are dropped, so "/", "./", "." and "" all name the root and "/etc/x"
/// becomes "etc/x". A ".." component is refused rather than resolved: no legitimate layer needs one, and refusing
/// keeps "../../etc/passwd" from ever being read as anything but hostile.
/// </remarks>
public static class EntryPath
{
    /// <summary>The clean relative path ("" for the root); throws <see cref="UnsafeLayerException"/> on "..".</summary>
    public static string Clean(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new UnsafeLayerException(name, "the name contains NUL");
        }

        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part == "..")
            {
                throw new UnsafeLayerException(name, "'..' is not allowed in layer paths");
            }

            if (part is not ("" or "."))
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
    }

    /// <summary>The parent of a clean, non-root path ("" when it sits in the root).</summary>
    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    /// <summary>The last component of a clean path.</summary>
    public static string BaseName(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>Joins a clean parent and one component.</summary>
    public static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}/{name}";
}
