using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>The process environment: HOSTNAME and PATH defaults, the image's Env, then the request's envs.</summary>
public static class ContainerEnvironment
{
    /// <summary>PATH when the image sets none (the value Docker and containerd use).</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Builds <c>KEY=value</c> entries in first-seen order; a later value for a key replaces the earlier one in place.</summary>
    public static IReadOnlyList<string> Build(ContainerConfig config, ImageRuntimeConfig image, string hostname, string home)
    {
        var env = new List<KeyValuePair<string, string>>();
        Set(env, "PATH", DefaultPath);
        if (hostname.Length > 0)
        {
            Set(env, "HOSTNAME", hostname);
        }

        foreach (var entry in image.Env)
        {
            // "KEY" without '=' unsets nothing in a fresh process; Docker ignores such entries too.
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                Set(env, Key("image Env", entry[..equals]), SpecValues.NoNul("image Env value", entry[(equals + 1)..]));
            }
        }

        foreach (var (key, value) in config.Envs)
        {
            Set(env, Key("envs", key), SpecValues.NoNul($"envs[{key}]", value));
        }

        if (config.Tty && !env.Any(e => e.Key == "TERM"))
        {
            Set(env, "TERM", "xterm");
        }

        if (!env.Any(e => e.Key == "HOME"))
        {
            Set(env, "HOME", home);
        }

        return env.Select(e => $"{e.Key}={e.Value}").ToList();
    }

    private static string Key(string field, string key) =>
        key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.AsSpan().IndexOfAny('\0', '\n') >= 0
            ? throw new InvalidInputException($"{field}: \"{SpecValues.Printable(key)}\" is not a valid variable name")
            : key;

    private static void Set(List<KeyValuePair<string, string>> env, string key, string value)
    {
        var index = env.FindIndex(e => e.Key == key);
        if (index >= 0)
        {
            env[index] = new(key, value);
        }
        else
        {
            env.Add(new(key, value));
        }
    }
}
