using System.Text;

namespace Minato.Migrate;

/// <summary>
/// Reads one input as JSON or YAML, told apart by the first significant byte: <c>{</c> or <c>[</c> starts
/// JSON (which kubectl writes for <c>-o json</c>), anything else is YAML. Works on pipes, so nothing seeks.
/// </summary>
internal static class ManifestReader
{
    private const int SniffSize = 4096;

    public static IEnumerable<KubeObject> Read(InputSource source)
    {
        using var stream = source.Open();
        foreach (var item in Objects(stream, source.Name))
        {
            yield return item;
        }
    }

    private static IEnumerable<KubeObject> Objects(Stream stream, string name)
    {
        var prefix = new byte[SniffSize];
        var length = ReadAtMost(stream, prefix);
        var start = HasBom(prefix.AsSpan(0, length)) ? 3 : 0;
        var head = prefix.AsSpan(start, length - start);
        return FirstSignificant(head) is (byte)'{' or (byte)'['
            ? new JsonManifestReader(stream, name, head).Read()
            : ReadYaml(stream, name, head.ToArray());
    }

    private static IEnumerable<KubeObject> ReadYaml(Stream stream, string name, byte[] head)
    {
        using var text = new StreamReader(new PrefixedStream(head, stream), Encoding.UTF8);
        foreach (var item in new YamlManifestReader(text, name).Read())
        {
            yield return item;
        }
    }

    private static int ReadAtMost(Stream stream, byte[] buffer)
    {
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static bool HasBom(ReadOnlySpan<byte> bytes) => bytes.StartsWith("\uFEFF"u8);

    private static byte FirstSignificant(ReadOnlySpan<byte> bytes)
    {
        var index = bytes.IndexOfAnyExcept(" \t\r\n"u8);
        return index < 0 ? (byte)0 : bytes[index];
    }
}
