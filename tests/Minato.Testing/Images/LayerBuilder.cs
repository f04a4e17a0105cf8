using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using ZstdSharp;

namespace Minato.Testing;

/// <summary>One tar entry of a test layer; <see cref="Open"/> yields a file's bytes, read when the layer is written.</summary>
public sealed record LayerEntry(string Name, TarEntryType Type, UnixFileMode Mode, int Uid, int Gid)
{
    public string? LinkTarget { get; init; }

    public Func<Stream>? Open { get; init; }
}

/// <summary>Collects the entries of one image layer, in order, and writes them as a (compressed) tar stream.</summary>
/// <remarks>Names are relative to the image root ("etc/passwd"); entries are written in the order they were added and no
/// parent directory is implied, so a test controls exactly what the tar holds.</remarks>
public sealed class LayerBuilder(LayerCompression compression = LayerCompression.Gzip)
{
    /// <summary>The mtime of every entry, fixed so the same recipe always gives the same digests.</summary>
    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<LayerEntry> _entries = [];

    public LayerCompression Compression { get; } = compression;

    /// <summary>What the image history says created this layer.</summary>
    public string CreatedBy { get; init; } = "minato test image builder";

    public IReadOnlyList<LayerEntry> Entries => _entries;

    public LayerBuilder Directory(string name, UnixFileMode? mode = null, int uid = 0, int gid = 0) =>
        Add(new LayerEntry(Normalize(name) + "/", TarEntryType.Directory, mode ?? Modes.Directory, uid, gid));

    public LayerBuilder File(string name, string content, UnixFileMode? mode = null, int uid = 0, int gid = 0) =>
        File(name, Encoding.UTF8.GetBytes(content), mode, uid, gid);

    public LayerBuilder File(string name, byte[] content, UnixFileMode? mode = null, int uid = 0, int gid = 0) =>
        File(name, () => new MemoryStream(content, writable: false), mode, uid, gid);

    /// <summary>Adds a file whose bytes come from <paramref name="open"/>, which must return a seekable stream.</summary>
    public LayerBuilder File(string name, Func<Stream> open, UnixFileMode? mode = null, int uid = 0, int gid = 0) =>
        Add(new LayerEntry(Normalize(name), TarEntryType.RegularFile, mode ?? Modes.File, uid, gid) { Open = open });

    public LayerBuilder Symlink(string name, string target, int uid = 0, int gid = 0) =>
        Add(new LayerEntry(Normalize(name), TarEntryType.SymbolicLink, Modes.Octal(777), uid, gid) { LinkTarget = target });

    /// <summary>Adds a hard link to <paramref name="target"/>, an earlier entry of this layer named from the image root.</summary>
    public LayerBuilder Hardlink(string name, string target) =>
        Add(new LayerEntry(Normalize(name), TarEntryType.HardLink, Modes.File, 0, 0) { LinkTarget = Normalize(target) });

    /// <summary>Deletes <paramref name="name"/> from the lower layers (an empty <c>.wh.NAME</c> file beside it).</summary>
    public LayerBuilder Whiteout(string name)
    {
        var normalized = Normalize(name);
        var slash = normalized.LastIndexOf('/');
        var whiteout = slash < 0 ? ".wh." + normalized : normalized[..(slash + 1)] + ".wh." + normalized[(slash + 1)..];
        return File(whiteout, [], Modes.Octal(0));
    }

    /// <summary>Hides everything the lower layers have in <paramref name="directory"/> (a <c>.wh..wh..opq</c> marker in it).</summary>
    public LayerBuilder Opaque(string directory) => File(Normalize(directory) + "/.wh..wh..opq", [], Modes.Octal(0));

    public LayerBuilder Add(LayerEntry entry)
    {
        _entries.Add(entry);
        return this;
    }

    /// <summary>Writes the layer's tar into <paramref name="output"/>, compressed as <see cref="Compression"/> says.</summary>
    /// <returns>The layer's DiffID: the digest of the uncompressed tar.</returns>
    public string WriteTo(Stream output)
    {
        using var compressed = Compress(output);
        using var uncompressed = new HashingStream(compressed);
        using (var tar = new TarWriter(uncompressed, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var entry in _entries)
            {
                WriteEntry(tar, entry);
            }
        }

        uncompressed.Flush();
        return uncompressed.Digest();
    }

    private Stream Compress(Stream output) => Compression switch
    {
        LayerCompression.None => new NonClosingStream(output),
        LayerCompression.Gzip => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
        LayerCompression.Zstd => new CompressionStream(output, level: 3, leaveOpen: true),
        _ => throw new InvalidOperationException($"unknown compression {Compression}"),
    };

    private static void WriteEntry(TarWriter tar, LayerEntry entry)
    {
        // Ustar has no extended headers, so no access or change times sneak in and the bytes stay reproducible.
        var header = new UstarTarEntry(entry.Type, entry.Name)
        {
            Mode = entry.Mode,
            Uid = entry.Uid,
            Gid = entry.Gid,
            UserName = "",
            GroupName = "",
            ModificationTime = Epoch,
        };
        if (entry.LinkTarget is not null)
        {
            header.LinkName = entry.LinkTarget;
        }

        using var data = entry.Open?.Invoke();
        if (data is not null)
        {
            header.DataStream = data;
        }

        tar.WriteEntry(header);
    }

    private static string Normalize(string name)
    {
        var trimmed = name.Trim('/');
        if (trimmed.Length == 0)
        {
            throw new ArgumentException("a layer entry needs a name below the root", nameof(name));
        }

        return trimmed;
    }
}
