namespace Minato.Engine.Images.Snapshots;

/// <summary>A layer entry that would escape the snapshot, replace its root or is otherwise refused by policy.</summary>
public sealed class UnsafeLayerException : IOException
{
    public UnsafeLayerException(string entryName, string reason)
        : base($"Refused layer entry '{Shorten(entryName)}': {reason}.")
    {
        EntryName = entryName;
    }

    public UnsafeLayerException(string entryName, string reason, Exception innerException)
        : base($"Refused layer entry '{Shorten(entryName)}': {reason}.", innerException)
    {
        EntryName = entryName;
    }

    /// <summary>The entry name as written in the archive.</summary>
    public string EntryName { get; }

    private static string Shorten(string value) => value.Length <= 200 ? value : value[..200] + "...";
}
