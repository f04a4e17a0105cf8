using System.Formats.Tar;
using System.IO.Compression;
using Minato.Testing;
using ZstdSharp;

namespace Minato.IntegrationTests.Fixtures;

/// <summary>One path of a flattened image view.</summary>
internal sealed record FlatEntry(TarEntryType Type, UnixFileMode Mode, int Uid, byte[] Content, string? LinkTarget);

/// <summary>Applies an image's layers in order, in memory, the way overlayfs shows them (test-side reference, not product code).</summary>
internal static class LayerFlattener
{
    public static Dictionary<string, FlatEntry> Flatten(TestImage image, ImageManifest manifest)
    {
        var view = new Dictionary<string, FlatEntry>(StringComparer.Ordinal);
        foreach (var layer in manifest.Layers)
        {
            var entries = ReadLayer(image.BlobPath(layer.Digest), layer.MediaType);

            // Whiteouts and opaque markers hide what the lower layers have, never what this layer adds.
            foreach (var (name, _) in entries)
            {
                var directory = Path.GetDirectoryName(name) ?? "";
                var file = Path.GetFileName(name);
                if (file == ".wh..wh..opq")
                {
                    RemoveUnder(view, directory, keepSelf: true);
                }
                else if (file.StartsWith(".wh.", StringComparison.Ordinal))
                {
                    RemoveUnder(view, Path.Combine(directory, file[".wh.".Length..]), keepSelf: false);
                }
            }

            foreach (var (name, entry) in entries.Where(e => !Path.GetFileName(e.Name).StartsWith(".wh.", StringComparison.Ordinal)))
            {
                view[name] = entry;
            }
        }

        return view;
    }

    /// <summary>Reads a layer blob, decompressing by media type; hard links get their target's bytes.</summary>
    public static List<(string Name, FlatEntry Entry)> ReadLayer(string blobPath, string mediaType)
    {
        using var file = File.OpenRead(blobPath);
        using var decompressed = Decompress(file, mediaType);
        using var tar = new TarReader(decompressed);
        var entries = new List<(string Name, FlatEntry Entry)>();
        while (tar.GetNextEntry() is { } entry)
        {
            var name = entry.Name.TrimEnd('/');
            var content = Array.Empty<byte>();
            if (entry.DataStream is not null)
            {
                using var buffer = new MemoryStream();
                entry.DataStream.CopyTo(buffer);
                content = buffer.ToArray();
            }
            else if (entry.EntryType == TarEntryType.HardLink)
            {
                content = entries.Single(e => e.Name == entry.LinkName.TrimEnd('/')).Entry.Content;
            }

            entries.Add((name, new FlatEntry(entry.EntryType, entry.Mode, entry.Uid, content, entry.LinkName is { Length: > 0 } l ? l : null)));
        }

        return entries;
    }

    public static Stream Decompress(Stream blob, string mediaType) =>
        mediaType.EndsWith("gzip", StringComparison.Ordinal) ? new GZipStream(blob, CompressionMode.Decompress)
        : mediaType.EndsWith("zstd", StringComparison.Ordinal) ? new DecompressionStream(blob)
        : blob;

    private static void RemoveUnder(Dictionary<string, FlatEntry> view, string path, bool keepSelf)
    {
        foreach (var key in view.Keys.Where(k => k.StartsWith(path + "/", StringComparison.Ordinal) || (!keepSelf && k == path)).ToList())
        {
            view.Remove(key);
        }
    }
}
