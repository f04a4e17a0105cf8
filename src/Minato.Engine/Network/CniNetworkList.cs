using System.Text.Json;
using System.Text.Json.Serialization;

namespace Minato.Engine.Network;

/// <summary>A parsed CNI network configuration list (<c>.conflist</c>), as far as Minato needs to know it.</summary>
/// <param name="Path">The file it came from.</param>
/// <param name="Name">The network name.</param>
/// <param name="CniVersion">The spec version the file declares.</param>
/// <param name="PluginTypes">The plugin executables of the chain, in order.</param>
/// <param name="Raw">The file's bytes, passed on to plugins unchanged.</param>
public sealed record CniNetworkList(string Path, string Name, string CniVersion, IReadOnlyList<string> PluginTypes, byte[] Raw)
{
    /// <summary>Largest configuration file read; a network list is a few hundred bytes.</summary>
    public const int MaxFileSize = 1024 * 1024;

    /// <summary>Parses a conflist and checks what the CNI spec requires of it.</summary>
    /// <exception cref="FormatException">The file is not a usable network list; the message says why.</exception>
    public static CniNetworkList Parse(string path, byte[] bytes)
    {
        ConflistDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, CniJsonContext.Default.ConflistDocument);
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid JSON: {e.Message}", e);
        }

        if (document is null || string.IsNullOrEmpty(document.Name))
        {
            throw new FormatException("missing \"name\"");
        }

        if (string.IsNullOrEmpty(document.CniVersion))
        {
            throw new FormatException("missing \"cniVersion\"");
        }

        if (document.Plugins is not { Count: > 0 })
        {
            throw new FormatException("\"plugins\" is missing or empty");
        }

        var types = new List<string>(document.Plugins.Count);
        foreach (var plugin in document.Plugins)
        {
            // The type names an executable in the plugin dirs: it must be a plain file name.
            if (string.IsNullOrEmpty(plugin.Type) || plugin.Type.Contains('/', StringComparison.Ordinal) ||
                plugin.Type is "." or "..")
            {
                throw new FormatException($"plugin type \"{plugin.Type}\" is not a plain executable name");
            }

            types.Add(plugin.Type);
        }

        return new CniNetworkList(path, document.Name, document.CniVersion, types, bytes);
    }
}

/// <summary>The subset of a conflist that is read with System.Text.Json.</summary>
internal sealed record ConflistDocument(
    [property: JsonPropertyName("cniVersion")] string? CniVersion,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("plugins")] IReadOnlyList<ConflistPlugin>? Plugins);

/// <summary>One plugin entry of a conflist.</summary>
internal sealed record ConflistPlugin([property: JsonPropertyName("type")] string? Type);

/// <summary>Source-generated JSON metadata for CNI documents.</summary>
[JsonSerializable(typeof(ConflistDocument))]
internal sealed partial class CniJsonContext : JsonSerializerContext;
