using System.Text.Json;
using System.Text.Json.Nodes;
using Minato.Engine.Images.Manifests;

namespace Minato.Build;

/// <summary>An image config being built, kept as JSON so every field of the base (Docker's Healthcheck, OnBuild, Shell
/// and any other) survives untouched.</summary>
internal sealed class ImageConfigDocument
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    private ImageConfigDocument(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    /// <summary>The runtime part (<c>config</c>), made when missing.</summary>
    public JsonObject Config => Root["config"] as JsonObject ?? (JsonObject)(Root["config"] = new JsonObject());

    public static ImageConfigDocument Empty() => new(new JsonObject
    {
        ["architecture"] = PlatformMatcher.Host.Architecture,
        ["os"] = "linux",
        ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") },
        ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray() },
        ["history"] = new JsonArray(),
    });

    public static ImageConfigDocument Parse(ReadOnlySpan<byte> bytes) =>
        new(JsonNode.Parse(bytes) as JsonObject ?? throw new InvalidDataException("the image config is not a JSON object"));

    public ImageConfigDocument Clone() => new((JsonObject)Root.DeepClone());

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(Root, Compact);

    public IReadOnlyList<string> Strings(string key) =>
        Config[key] is JsonArray array ? array.Select(n => n?.GetValue<string>() ?? string.Empty).ToList() : [];

    public void SetStrings(string key, IReadOnlyList<string>? values) =>
        Config[key] = values is null ? null : new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    public string? String(string key) => Config[key] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public void SetString(string key, string? value) => Config[key] = value;

    /// <summary>The environment as name/value pairs in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment() => Strings("Env")
        .Select(e => e.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0
            ? new KeyValuePair<string, string>(e[..eq], e[(eq + 1)..])
            : new KeyValuePair<string, string>(e, string.Empty))
        .ToList();

    public string? Lookup(string name) => Environment().LastOrDefault(e => e.Key == name) is { Key: not null } found ? found.Value : null;

    public void SetEnvironment(string name, string value)
    {
        var env = Strings("Env").ToList();
        var index = env.FindIndex(e => e.StartsWith(name + "=", StringComparison.Ordinal) || e == name);
        if (index >= 0)
        {
            env[index] = $"{name}={value}";
        }
        else
        {
            env.Add($"{name}={value}");
        }

        SetStrings("Env", env);
    }

    /// <summary>Adds <paramref name="value"/> under <paramref name="key"/> in the object <paramref name="map"/> of the runtime part.</summary>
    public void SetInMap(string map, string key, JsonNode? value)
    {
        if (Config[map] is not JsonObject obj)
        {
            obj = new JsonObject();
            Config[map] = obj;
        }

        obj[key] = value;
    }

    public IReadOnlyList<string> DiffIds =>
        Root["rootfs"]?["diff_ids"] is JsonArray ids ? ids.Select(n => n!.GetValue<string>()).ToList() : [];

    /// <summary>Adds a layer's DiffID and its history entry.</summary>
    public void AddLayer(string diffId, string createdBy, DateTimeOffset created)
    {
        if (Root["rootfs"] is not JsonObject rootfs)
        {
            rootfs = new JsonObject { ["type"] = "layers" };
            Root["rootfs"] = rootfs;
        }

        if (rootfs["diff_ids"] is not JsonArray ids)
        {
            ids = new JsonArray();
            rootfs["diff_ids"] = ids;
        }

        ids.Add(diffId);
        AddHistory(createdBy, created, emptyLayer: false);
    }

    /// <summary>Adds a history entry as Docker writes it; a metadata step's has <c>empty_layer</c>.</summary>
    public void AddHistory(string createdBy, DateTimeOffset created, bool emptyLayer)
    {
        if (Root["history"] is not JsonArray history)
        {
            history = new JsonArray();
            Root["history"] = history;
        }

        var entry = new JsonObject { ["created"] = Timestamp(created), ["created_by"] = createdBy };
        if (emptyLayer)
        {
            entry["empty_layer"] = true;
        }

        history.Add(entry);
        Root["created"] = Timestamp(created);
    }

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
