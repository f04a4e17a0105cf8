namespace Minato.Engine.Images.Snapshots;

/// <summary>What a layer entry means to overlayfs: a plain entry, a whiteout, an opaque marker or AUFS metadata.</summary>
public enum WhiteoutKind
{
    None,

    /// <summary><c>.wh.&lt;name&gt;</c>: hide &lt;name&gt; of lower layers (becomes a 0/0 character device).</summary>
    Whiteout,

    /// <summary><c>.wh..wh..opq</c>: hide all lower content of the directory (trusted.overlay.opaque=y).</summary>
    Opaque,

    /// <summary>Other <c>.wh..wh.*</c> names: AUFS bookkeeping that overlayfs has no use for; skipped.</summary>
    AufsMetadata,
}

/// <summary>The OCI image-spec whiteout naming rules, checked against a clean entry path.</summary>
public static class Whiteout
{
    public const string Prefix = ".wh.";
    public const string MetaPrefix = ".wh..wh.";
    public const string OpaqueMarker = ".wh..wh..opq";
    public const string OpaqueXattr = "trusted.overlay.opaque";

    /// <summary>
    /// Classifies <paramref name="path"/>; <paramref name="target"/> is the hidden entry for a whiteout and the
    /// directory for an opaque marker. A whiteout whose name is not one real component (".wh.", ".wh..", ".wh...")
    /// is refused.
    /// </summary>
    public static WhiteoutKind Classify(string path, out string target)
    {
        var name = EntryPath.BaseName(path);
        target = "";
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return WhiteoutKind.None;
        }

        if (name == OpaqueMarker)
        {
            target = EntryPath.Parent(path);
            return WhiteoutKind.Opaque;
        }

        if (name.StartsWith(MetaPrefix, StringComparison.Ordinal))
        {
            return WhiteoutKind.AufsMetadata;
        }

        var hidden = name[Prefix.Length..];
        if (hidden is "" or "." or "..")
        {
            throw new UnsafeLayerException(path, "a whiteout must name a single real entry");
        }

        target = EntryPath.Join(EntryPath.Parent(path), hidden);
        return WhiteoutKind.Whiteout;
    }
}
