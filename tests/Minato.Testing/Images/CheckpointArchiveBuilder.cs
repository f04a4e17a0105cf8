using System.Formats.Tar;
using System.Text;

namespace Minato.Testing.Images;

/// <summary>Builds checkpoint archives in CRI-O's layout for restore tests, valid or hostile: no host here can produce a
/// real CRIU dump, so the <c>checkpoint/</c> directory holds files CRIU will refuse to restore from.</summary>
public sealed class CheckpointArchiveBuilder
{
    private readonly List<PaxTarEntry> _entries = [];

    /// <summary>A valid layout: fake CRIU images, config.dump naming <paramref name="image"/>, spec.dump running
    /// <paramref name="args"/>, and an empty rootfs-diff.tar.</summary>
    public static CheckpointArchiveBuilder Valid(string image, params string[] args)
    {
        var builder = new CheckpointArchiveBuilder()
            .Directory("checkpoint")
            .File("checkpoint/inventory.img", "not a CRIU image")
            .File("checkpoint/pages-1.img", "no pages")
            .File("checkpoint/descriptors.json", """["/dev/null","/dev/null","/dev/null"]""")
            .File("config.dump", ConfigDump(image))
            .File("spec.dump", SpecDump(args));
        return builder.RootfsDiff(new Dictionary<string, string>());
    }

    /// <summary>A config.dump as CRI-O writes it.</summary>
    public static string ConfigDump(string image) =>
        $$"""{"id":"{{new string('a', 64)}}","name":"counter","rootfsImage":"","rootfsImageName":"{{image}}","runtime":"runc","createdTime":"2026-01-01T00:00:00Z","checkpointedTime":"2026-01-01T00:01:00Z"}""";

    /// <summary>A minimal runtime spec running <paramref name="args"/>.</summary>
    public static string SpecDump(params string[] args) =>
        $$$"""{"ociVersion":"1.2.0","root":{"path":"rootfs"},"process":{"user":{"uid":0,"gid":0},"args":[{{{string.Join(',', args.Select(a => "\"" + a + "\""))}}}],"env":["PATH=/bin:/usr/bin","RESTORED=1"],"cwd":"/"},"linux":{}}""";

    /// <summary>A tar of regular files (path to content), as rootfs-diff.tar holds the container's changes.</summary>
    public static byte[] Tar(IReadOnlyDictionary<string, string> files, Action<TarWriter>? more = null)
    {
        using var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { Mode = (UnixFileMode)0x1A4, DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
            }

            more?.Invoke(tar);
        }

        return output.ToArray();
    }

    /// <summary>Replaces (or adds) an entry with this content.</summary>
    public CheckpointArchiveBuilder File(string name, string content) => File(name, Encoding.UTF8.GetBytes(content));

    public CheckpointArchiveBuilder File(string name, byte[] content)
    {
        _entries.RemoveAll(e => e.Name == name);
        _entries.Add(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0x180, DataStream = new MemoryStream(content) });
        return this;
    }

    public CheckpointArchiveBuilder Directory(string name)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.Directory, name + "/") { Mode = (UnixFileMode)0x1C0 });
        return this;
    }

    public CheckpointArchiveBuilder Symlink(string name, string target)
    {
        _entries.RemoveAll(e => e.Name == name);
        _entries.Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });
        return this;
    }

    /// <summary>Sets rootfs-diff.tar to these files (path relative to the container's root, content).</summary>
    public CheckpointArchiveBuilder RootfsDiff(IReadOnlyDictionary<string, string> files, Action<TarWriter>? more = null) =>
        File("rootfs-diff.tar", Tar(files, more));

    /// <summary>Sets deleted.files to this JSON text.</summary>
    public CheckpointArchiveBuilder DeletedFiles(string json) => File("deleted.files", json);

    public CheckpointArchiveBuilder Without(string name)
    {
        _entries.RemoveAll(e => e.Name == name || e.Name.StartsWith(name + "/", StringComparison.Ordinal));
        return this;
    }

    public byte[] Build()
    {
        using var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in _entries)
            {
                entry.DataStream?.Seek(0, SeekOrigin.Begin);
                tar.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    /// <summary>The archive's entries as one image layer: what <c>buildah add</c> of the archive into a scratch image makes
    /// (CRI-O's checkpoint image).</summary>
    public LayerBuilder Layer(LayerCompression compression = LayerCompression.Gzip)
    {
        var layer = new LayerBuilder(compression) { CreatedBy = "ADD checkpoint" };
        foreach (var entry in _entries)
        {
            _ = entry.EntryType switch
            {
                TarEntryType.Directory => layer.Directory(entry.Name.TrimEnd('/')),
                TarEntryType.SymbolicLink => layer.Symlink(entry.Name, entry.LinkName),
                _ => layer.File(entry.Name, Content(entry)),
            };
        }

        return layer;
    }

    /// <summary>Writes the archive's entries under <paramref name="directory"/>, as an unpacked image layer holds them.</summary>
    public string ExtractTo(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        using var archive = new MemoryStream(Build());
        TarFile.ExtractToDirectory(archive, directory, overwriteFiles: false);
        return directory;
    }

    private static byte[] Content(PaxTarEntry entry)
    {
        using var copy = new MemoryStream();
        entry.DataStream!.Seek(0, SeekOrigin.Begin);
        entry.DataStream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Writes the archive to <paramref name="path"/> and returns the path.</summary>
    public string WriteTo(string path)
    {
        System.IO.File.WriteAllBytes(path, Build());
        return path;
    }
}
