using System.Text.Json;
using System.Text.Json.Nodes;
using Minato.Docker.Containers;
using Minato.Docker.Http;

namespace Minato.Docker.Images;

/// <summary>
/// Writes the image config of a commit or an import: a container config merged over the image's, the <c>changes</c>
/// instructions dockerd allows there (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME,
/// WORKDIR), a history entry and the new layer's DiffID.
/// </summary>
public static class ImageConfigEditor
{
    /// <summary>Most <c>changes</c> one request may carry.</summary>
    public const int MaxChanges = 256;

    private static readonly HashSet<string> Allowed =
        new(["CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"], StringComparer.Ordinal);

    /// <summary>Sets what <paramref name="overrides"/> sets on <paramref name="config"/> (an image config's <c>config</c>
    /// object), as dockerd's merge: lists and maps are merged by key, scalars and commands replaced.</summary>
    public static void Merge(JsonObject config, ContainerConfig? overrides)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (overrides is null)
        {
            return;
        }

        SetString(config, "User", overrides.User);
        SetString(config, "WorkingDir", overrides.WorkingDir);
        SetString(config, "StopSignal", overrides.StopSignal);
        if (overrides.Env is { Count: > 0 } env)
        {
            foreach (var entry in env)
            {
                SetEnv(config, entry);
            }
        }

        if (overrides.Entrypoint is { } entrypoint)
        {
            config["Entrypoint"] = Array(entrypoint);

            // A new entrypoint drops the image's command unless the override gives one, as at create.
            config["Cmd"] = overrides.Cmd is { } withCmd ? Array(withCmd) : null;
        }
        else if (overrides.Cmd is { Count: > 0 } cmd)
        {
            config["Cmd"] = Array(cmd);
        }

        foreach (var port in overrides.ExposedPorts?.Keys ?? Enumerable.Empty<string>())
        {
            Map(config, "ExposedPorts")[port] = new JsonObject();
        }

        foreach (var volume in overrides.Volumes?.Keys ?? Enumerable.Empty<string>())
        {
            Map(config, "Volumes")[volume] = new JsonObject();
        }

        foreach (var (key, value) in overrides.Labels ?? [])
        {
            Map(config, "Labels")[key] = value;
        }
    }

    /// <summary>Applies Dockerfile-style <paramref name="changes"/> to <paramref name="config"/>.</summary>
    /// <exception cref="DockerApiException">400 naming the instruction that is not allowed or not well formed.</exception>
    public static void ApplyChanges(JsonObject config, IReadOnlyList<string> changes)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count > MaxChanges)
        {
            throw DockerApiException.BadRequest($"changes: at most {MaxChanges} instructions are accepted");
        }

        foreach (var change in changes.Select(c => c.Trim()).Where(c => c.Length > 0))
        {
            var space = change.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? change : change[..space]).ToUpperInvariant();
            var rest = space < 0 ? "" : change[(space + 1)..].Trim();
            if (!Allowed.Contains(keyword))
            {
                throw DockerApiException.BadRequest($"{keyword.ToLowerInvariant()} is not a valid change command");
            }

            if (rest.Length == 0)
            {
                throw DockerApiException.BadRequest($"changes: {keyword} requires at least one argument");
            }

            Apply(config, keyword, rest);
        }
    }

    /// <summary>
    /// The new image config document: <paramref name="baseDocument"/> (the parent image's config, or null for an import)
    /// with <paramref name="config"/> as its <c>config</c>, one more DiffID and history entry, and a fresh <c>created</c>.
    /// </summary>
    public static byte[] Write(JsonObject? baseDocument, JsonObject config, string diffId, string createdBy, string? comment, string? author, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(config);
        var document = baseDocument ?? new JsonObject();
        var created = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        document["architecture"] ??= Daemon.HostFigures.GoArch;
        document["os"] ??= "linux";
        document["created"] = created;
        document.Remove("config");
        document["config"] = config;
        document.Remove("container_config");
        if (!string.IsNullOrEmpty(author))
        {
            document["author"] = author;
        }

        var rootfs = document["rootfs"] as JsonObject ?? new JsonObject { ["type"] = "layers" };
        var diffIds = rootfs["diff_ids"] as JsonArray ?? [];
        diffIds.Add(diffId);
        rootfs["diff_ids"] = diffIds;
        document["rootfs"] = rootfs;
        var history = document["history"] as JsonArray ?? [];
        var entry = new JsonObject { ["created"] = created, ["created_by"] = createdBy };
        if (!string.IsNullOrEmpty(author))
        {
            entry["author"] = author;
        }

        if (!string.IsNullOrEmpty(comment))
        {
            entry["comment"] = comment;
        }

        history.Add(entry);
        document["history"] = history;
        return JsonSerializer.SerializeToUtf8Bytes(document, DockerJson.Default.JsonObject);
    }

    private static void Apply(JsonObject config, string keyword, string rest)
    {
        switch (keyword)
        {
            case "CMD":
                config["Cmd"] = Array(Command(rest));
                break;
            case "ENTRYPOINT":
                config["Entrypoint"] = Array(Command(rest));
                break;
            case "ENV":
                foreach (var (key, value) in Pairs(keyword, rest))
                {
                    SetEnv(config, $"{key}={value}");
                }

                break;
            case "LABEL":
                foreach (var (key, value) in Pairs(keyword, rest))
                {
                    Map(config, "Labels")[key] = value;
                }

                break;
            case "EXPOSE":
                foreach (var port in Words(rest))
                {
                    Map(config, "ExposedPorts")[port.Contains('/', StringComparison.Ordinal) ? port : port + "/tcp"] = new JsonObject();
                }

                break;
            case "VOLUME":
                foreach (var path in rest.StartsWith('[') ? JsonList(keyword, rest) : Words(rest))
                {
                    Map(config, "Volumes")[path] = new JsonObject();
                }

                break;
            case "ONBUILD":
                var triggers = config["OnBuild"] as JsonArray ?? [];
                triggers.Add(rest);
                config["OnBuild"] = triggers;
                break;
            case "WORKDIR":
                var current = config["WorkingDir"]?.GetValue<string>() ?? "/";
                config["WorkingDir"] = rest.StartsWith('/') ? rest : current.TrimEnd('/') + "/" + rest;
                break;
            case "USER":
                config["User"] = rest;
                break;
            default:
                config["StopSignal"] = rest;
                break;
        }
    }

    /// <summary>Exec form (a JSON array of strings) or shell form (<c>/bin/sh -c TEXT</c>), as the builder reads them.</summary>
    private static List<string> Command(string text)
    {
        if (text.StartsWith('['))
        {
            try
            {
                if (JsonSerializer.Deserialize(text, DockerJson.Default.ListString) is { } exec)
                {
                    return exec;
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: Docker treats it as shell form.
            }
        }

        return ["/bin/sh", "-c", text];
    }

    private static List<string> JsonList(string keyword, string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, DockerJson.Default.ListString) ?? [];
        }
        catch (JsonException)
        {
            throw DockerApiException.BadRequest($"changes: {keyword} {text}: not a JSON array of strings");
        }
    }

    /// <summary><c>K=V K2="V 2"</c>, or the legacy <c>K V</c> (one pair, the rest of the line as value).</summary>
    private static List<KeyValuePair<string, string>> Pairs(string keyword, string text)
    {
        var words = Words(text);
        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            var space = text.IndexOfAny([' ', '\t']);
            return space < 0
                ? throw DockerApiException.BadRequest($"changes: {keyword} {text}: expected KEY=VALUE or KEY VALUE")
                : [new(text[..space], text[(space + 1)..].Trim())];
        }

        return
        [
            .. words.Select(w => w.IndexOf('=', StringComparison.Ordinal) is var eq && eq > 0
                ? new KeyValuePair<string, string>(w[..eq], w[(eq + 1)..])
                : throw DockerApiException.BadRequest($"changes: {keyword}: \"{w}\" is not KEY=VALUE")),
        ];
    }

    /// <summary>Whitespace-separated words; double or single quotes group and are removed, a backslash escapes.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\0' && char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == '\\' && i + 1 < text.Length && quote != '\'')
            {
                word.Append(text[++i]);
            }
            else if (quote == '\0' && c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == quote)
            {
                quote = '\0';
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static void SetEnv(JsonObject config, string entry)
    {
        var key = entry.Split('=', 2)[0];
        var env = config["Env"] as JsonArray ?? [];
        var existing = env.FirstOrDefault(e => e?.GetValue<string>() is { } s && (s == key || s.StartsWith(key + "=", StringComparison.Ordinal)));
        if (existing is not null)
        {
            env[env.IndexOf(existing)] = entry;
        }
        else
        {
            env.Add(entry);
        }

        config["Env"] = env;
    }

    private static void SetString(JsonObject config, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            config[name] = value;
        }
    }

    private static JsonObject Map(JsonObject config, string name)
    {
        if (config[name] is JsonObject map)
        {
            return map;
        }

        var created = new JsonObject();
        config[name] = created;
        return created;
    }

    private static JsonArray Array(IEnumerable<string> values) => [.. values.Select(v => (JsonNode?)v)];
}
