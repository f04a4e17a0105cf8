using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Containers;

/// <summary>A checkpoint archive unpacked into a private directory and validated, waiting to be restored into a new
/// container; disposing it removes the directory unless a container took it over.</summary>
/// <param name="Archive">The archive (or checkpoint image) as the caller named it, for messages.</param>
/// <param name="Directory">The private directory holding the unpacked archive.</param>
/// <param name="Config">What <c>config.dump</c> says about the checkpointed container.</param>
/// <param name="Spec">The checkpointed container's runtime spec (<c>spec.dump</c>).</param>
/// <param name="DeletedFiles">Clean paths relative to the rootfs that the container had deleted (<c>deleted.files</c>).</param>
public sealed record UnpackedCheckpoint(
    string Archive,
    string Directory,
    CheckpointConfigDump Config,
    RuntimeSpec Spec,
    IReadOnlyList<string> DeletedFiles) : IDisposable
{
    /// <summary>Whether the checkpoint came from an image's layer rather than an archive file.</summary>
    public bool FromImage { get; init; }

    /// <summary>What the checkpoint came from, for messages: <c>checkpoint archive PATH</c> or <c>checkpoint image NAME</c>.</summary>
    public string Source => (FromImage ? "checkpoint image " : "checkpoint archive ") + Archive;

    /// <summary>CRIU's image files.</summary>
    public string ImageDirectory => Path.Combine(Directory, CheckpointArchive.CheckpointDirectory);

    /// <summary>The container's root filesystem changes; absent when the archive has none.</summary>
    public string RootfsDiff => Path.Combine(Directory, CheckpointArchive.RootfsDiffFile);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
