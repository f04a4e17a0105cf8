using System.Text.Json.Nodes;

namespace Minato.Testing;

/// <summary>Builds the JSON documents of an image; insertion order is kept, so the bytes and digests are stable.</summary>
internal static class Json
{
    public static JsonObject Descriptor(OciDescriptor descriptor, JsonObject? annotations = null)
    {
        var node = new JsonObject
        {
            ["mediaType"] = descriptor.MediaType,
            ["digest"] = descriptor.Digest,
            ["size"] = descriptor.Size,
        };
        if (descriptor.Platform is { } platform)
        {
            node["platform"] = Platform(platform);
        }

        if (annotations is not null)
        {
            node["annotations"] = annotations;
        }

        return node;
    }

    public static JsonObject Platform(Platform platform)
    {
        var node = new JsonObject { ["architecture"] = platform.Architecture, ["os"] = platform.Os };
        if (platform.Variant is not null)
        {
            node["variant"] = platform.Variant;
        }

        return node;
    }

    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    /// <summary>A JSON object whose keys are <paramref name="keys"/> and whose values are empty objects (Volumes, ExposedPorts).</summary>
    public static JsonObject Set(IEnumerable<string> keys) => new(keys.Order(StringComparer.Ordinal).Select(k => KeyValuePair.Create(k, (JsonNode?)new JsonObject())));

    public static JsonObject RuntimeConfig(ImageConfig config)
    {
        var node = new JsonObject();
        AddIfSet(node, "User", config.User);
        if (config.ExposedPorts.Count > 0)
        {
            node["ExposedPorts"] = Set(config.ExposedPorts);
        }

        node["Env"] = Strings(config.Env);
        if (config.Entrypoint is not null)
        {
            node["Entrypoint"] = Strings(config.Entrypoint);
        }

        if (config.Cmd is not null)
        {
            node["Cmd"] = Strings(config.Cmd);
        }

        if (config.Volumes.Count > 0)
        {
            node["Volumes"] = Set(config.Volumes);
        }

        AddIfSet(node, "WorkingDir", config.WorkingDir);
        if (config.Labels.Count > 0)
        {
            node["Labels"] = new JsonObject(config.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => KeyValuePair.Create(l.Key, (JsonNode?)JsonValue.Create(l.Value))));
        }

        AddIfSet(node, "StopSignal", config.StopSignal);
        if (config.Healthcheck is not null)
        {
            node["Healthcheck"] = new JsonObject
            {
                ["Test"] = Strings(["CMD-SHELL", config.Healthcheck]),
                ["Interval"] = config.HealthcheckInterval.Ticks * 100,
                ["Retries"] = 2,
            };
        }

        return node;
    }

    private static void AddIfSet(JsonObject node, string key, string? value)
    {
        if (value is not null)
        {
            node[key] = value;
        }
    }
}
