using System.Text;
using Minato.Engine.Linux.Cgroups;

namespace Minato.Configuration;

/// <summary>Values given on the daemon's command line; each non-null one overrides the file.</summary>
public sealed record ConfigOverrides
{
    public string? Listen { get; init; }

    public string? Root { get; init; }

    public string? State { get; init; }

    public string? LogLevel { get; init; }

    public string? CniConfigDir { get; init; }

    public IReadOnlyList<string>? CniPluginDirs { get; init; }

    public string? RegistriesConfig { get; init; }

    /// <summary><c>--docker-api</c>: the Docker API endpoint (replaces <c>[docker_api] listen</c>).</summary>
    public string? DockerApi { get; init; }

    /// <summary><c>--metrics-address</c>: the Prometheus endpoint (replaces <c>[metrics] address</c>).</summary>
    public string? MetricsAddress { get; init; }
}

/// <summary>Builds the effective <see cref="MinatoConfig"/> and checks it before anything starts.</summary>
public static class ConfigLoader
{
    /// <summary>
    /// Loads <paramref name="path"/> (an explicit path must exist; the default path may be absent), applies
    /// <paramref name="overrides"/>, and validates the result.
    /// </summary>
    /// <exception cref="ConfigException">A key, value or file problem; the message names where.</exception>
    public static MinatoConfig Load(string? path, ConfigOverrides overrides)
    {
        var config = new MinatoConfig();
        var file = path ?? MinatoConfig.DefaultPath;
        if (path is not null || File.Exists(file))
        {
            config = TomlEntries.ReadFile(file).Aggregate(config with { SourcePath = file }, ConfigSchema.Apply);
        }

        config = ApplyOverrides(config, overrides);
        Validate(config);
        return config;
    }

    /// <summary>The full default configuration file, every key commented, as <c>minato config default</c> prints it.</summary>
    public static string RenderDefault()
    {
        var defaults = new MinatoConfig();
        var text = new StringBuilder();
        text.Append("# Minato daemon configuration (").Append(MinatoConfig.DefaultPath).Append(").\n");
        text.Append("# Every key is optional; the values below are the built-in defaults.\n");
        text.Append("# Command-line flags of `minato daemon` override this file.\n");
        foreach (var key in ConfigSchema.Keys)
        {
            text.Append("\n# ").Append(key.Comment).Append('\n');
            text.Append(key.Example is null ? "" : "# ").Append(key.Name).Append(" = ").Append(key.Example ?? key.Render(defaults)).Append('\n');
        }

        text.Append("\n# OCI runtime handlers (the CRI runtime_handler). `path` is an absolute path or a name in PATH;\n");
        text.Append("# each runtime keeps its state under <state>/runtimes/<name>.\n");
        foreach (var (name, runtimePath) in defaults.RuntimePaths)
        {
            text.Append("[runtimes.").Append(name).Append("]\npath = ").Append(ConfigSchema.Quote(runtimePath)).Append('\n');
        }

        // How a vendor runtime that wraps runc is plugged in (GPU nodes without CDI; CDI needs no handler of its own).
        text.Append("\n# A vendor runtime that wraps runc, selected by pods whose RuntimeClass handler is its name:\n");
        text.Append("# [runtimes.nvidia]\n# path = \"/usr/bin/nvidia-container-runtime\"\n");
        text.Append("\n# The Docker Engine API (docker CLI, compose, SDKs). Off unless listen is set; whoever can connect to it\n");
        text.Append("# can start privileged containers, so it is root on this machine: keep the socket's group small.\n");
        text.Append("[docker_api]\n");
        foreach (var key in ConfigSchema.DockerApiKeys)
        {
            text.Append("# ").Append(key.Comment).Append("\n# ").Append(key.Name).Append(" = ").Append(key.Example ?? key.Render(defaults)).Append('\n');
        }

        text.Append("\n# The Prometheus endpoint. Off unless address is set.\n[metrics]\n");
        foreach (var key in ConfigSchema.MetricsKeys)
        {
            text.Append("# ").Append(key.Comment).Append("\n# ").Append(key.Name).Append(" = ").Append(key.Example ?? key.Render(defaults)).Append('\n');
        }

        text.Append("\n# Garbage collection of unreferenced data, and an image policy for nodes without a kubelet.\n[gc]\n");
        foreach (var key in ConfigSchema.GcKeys)
        {
            text.Append("# ").Append(key.Comment).Append("\n# ").Append(key.Name).Append(" = ").Append(key.Example ?? key.Render(defaults)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The endpoint of <c>[metrics] address</c>: a literal IPv4 or IPv6 address (IPv6 in brackets) and a port from 1 to
    /// 65535; null when it is not one. Host names are refused: what they resolve to can change under a running daemon.
    /// </summary>
    public static System.Net.IPEndPoint? ParseMetricsAddress(string address) =>
        System.Net.IPEndPoint.TryParse(address, out var endpoint) && endpoint.Port is > 0 and <= 65535 &&
        (endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork || address.StartsWith('[')) &&
        address.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : null;

    private static MinatoConfig ApplyOverrides(MinatoConfig config, ConfigOverrides o)
    {
        if (o.LogLevel is not null && ConfigSchema.TryParseLogLevel(o.LogLevel) is null)
        {
            throw new ConfigException($"--log-level must be one of trace, debug, info, warn, error (got \"{o.LogLevel}\")");
        }

        if (o.MetricsAddress is not null && ParseMetricsAddress(o.MetricsAddress) is null)
        {
            throw new ConfigException($"--metrics-address must be ip:port with a port from 1 to 65535, e.g. 127.0.0.1:9090 (got \"{o.MetricsAddress}\")");
        }

        return config with
        {
            Listen = o.Listen ?? config.Listen,
            Root = o.Root ?? config.Root,
            State = o.State ?? config.State,
            LogLevel = o.LogLevel is null ? config.LogLevel : ConfigSchema.TryParseLogLevel(o.LogLevel)!.Value,
            DockerApi = config.DockerApi with { Listen = o.DockerApi ?? config.DockerApi.Listen },
            MetricsAddress = o.MetricsAddress ?? config.MetricsAddress,
            Images = config.Images with { RegistriesConfig = o.RegistriesConfig ?? config.Images.RegistriesConfig },
            Cni = config.Cni with
            {
                ConfigDir = o.CniConfigDir ?? config.Cni.ConfigDir,
                PluginDirs = o.CniPluginDirs is { Count: > 0 } dirs ? dirs : config.Cni.PluginDirs,
            },
        };
    }

    private static void Validate(MinatoConfig config)
    {
        var where = config.SourcePath ?? "configuration";
        if (!config.Listen.StartsWith("unix:///", StringComparison.Ordinal) || config.Listen.Contains('\0', StringComparison.Ordinal))
        {
            throw new ConfigException($"{where}: key 'listen' must be unix:///absolute/path (got \"{config.Listen}\")");
        }

        // sun_path holds 108 bytes including the terminating NUL.
        if (Encoding.UTF8.GetByteCount(config.SocketPath) > 107)
        {
            throw new ConfigException($"{where}: key 'listen' socket path is longer than 107 bytes");
        }

        ValidateDockerApi(where, config.DockerApi);
        if (config.MetricsAddress.Length > 0 && ParseMetricsAddress(config.MetricsAddress) is null)
        {
            throw new ConfigException(
                $"{where}: key 'metrics.address' must be ip:port with a port from 1 to 65535, e.g. 127.0.0.1:9090 or [::1]:9090 (got \"{config.MetricsAddress}\")");
        }

        if (config.Gc.ImageGcHighPercent > 0 && config.Gc.ImageGcLowPercent is var low && (low < 1 || low > config.Gc.ImageGcHighPercent))
        {
            throw new ConfigException(
                $"{where}: key 'gc.image_gc_low_percent' must be between 1 and gc.image_gc_high_percent ({config.Gc.ImageGcHighPercent}) when the image policy is on (got {low})");
        }

        RequireAbsolute(where, "root", config.Root);
        RequireAbsolute(where, "state", config.State);
        RequireAbsolute(where, "cni_config_dir", config.Cni.ConfigDir);
        foreach (var dir in config.Cni.PluginDirs)
        {
            RequireAbsolute(where, "cni_plugin_dirs", dir);
        }

        foreach (var dir in config.CdiSpecDirs)
        {
            RequireAbsolute(where, "cdi_spec_dirs", dir);
        }

        if (Path.GetFullPath(config.Root).TrimEnd('/') == Path.GetFullPath(config.State).TrimEnd('/'))
        {
            throw new ConfigException($"{where}: keys 'root' and 'state' must be different directories");
        }

        if (!config.RuntimePaths.ContainsKey(config.DefaultRuntime))
        {
            throw new ConfigException(
                $"{where}: key 'default_runtime' names \"{config.DefaultRuntime}\", which is not a configured runtime " +
                $"({string.Join(", ", config.RuntimePaths.Keys)})");
        }

        foreach (var (key, value) in new[]
        {
            ("registries_config", config.Images.RegistriesConfig), ("registry_auth_file", config.Images.RegistryAuthFile),
            ("seccomp_profile_root", config.SeccompProfileRoot),
        })
        {
            if (value.Length > 0)
            {
                RequireAbsolute(where, key, value);
            }
        }

        if (config.CniConfigTemplate.Length > 0)
        {
            RequireAbsolute(where, "cni_config_template", config.CniConfigTemplate);

            // Parsed and test-rendered here so that a template Minato cannot render stops start-up (and `minato config
            // check`), not the kubelet's first UpdateRuntimeConfig; it is read again at each render, so later edits apply.
            try
            {
                Cri.Network.CniConfigTemplate.Load(config.CniConfigTemplate).Check();
            }
            catch (FormatException e)
            {
                throw new ConfigException($"{where}: key 'cni_config_template': {e.Message}", e);
            }
        }

        if (config.Images.SandboxImage.Length > 0 && Engine.Images.ImageReference.TryParse(config.Images.SandboxImage) is null)
        {
            throw new ConfigException($"{where}: key 'sandbox_image' is not a valid image reference (got \"{config.Images.SandboxImage}\")");
        }

        // Parsed here so that `minato config check` and start-up report its errors with their line.
        RegistriesConfigLoader.Load(RegistriesConfigLoader.Locate(config.Images.RegistriesConfig));

        if (config.CgroupDriver == CgroupDriver.Systemd && !Directory.Exists("/run/systemd/system"))
        {
            throw new ConfigException($"{where}: key 'cgroup_driver' is \"systemd\" but systemd is not running on this machine");
        }
    }

    private static void ValidateDockerApi(string where, DockerApiSettings docker)
    {
        if (!docker.Enabled)
        {
            return;
        }

        if (docker.IsUnix)
        {
            if (!docker.Listen.StartsWith("unix:///", StringComparison.Ordinal) || docker.Listen.Contains('\0', StringComparison.Ordinal) ||
                Encoding.UTF8.GetByteCount(docker.SocketPath) > 107)
            {
                throw new ConfigException($"{where}: key 'docker_api.listen' must be unix:///absolute/path of at most 107 bytes (got \"{docker.Listen}\")");
            }

            return;
        }

        if (!docker.Listen.StartsWith("tcp://", StringComparison.Ordinal) || !Uri.TryCreate("tcp://" + docker.Listen["tcp://".Length..], UriKind.Absolute, out var uri) ||
            uri.Port <= 0 || uri.AbsolutePath != "/")
        {
            throw new ConfigException($"{where}: key 'docker_api.listen' must be unix:///absolute/path or tcp://host:port (got \"{docker.Listen}\")");
        }

        // The Docker API is root-equivalent; dockerd without --tlsverify on TCP is the classic way machines get taken over.
        if (docker.TlsCert.Length == 0 || docker.TlsKey.Length == 0 || docker.TlsCa.Length == 0)
        {
            throw new ConfigException(
                $"{where}: key 'docker_api.listen' is {docker.Listen}, but plain TCP is refused: the Docker API is root on this machine. " +
                "Set docker_api.tls_cert, docker_api.tls_key and docker_api.tls_ca (clients must present a certificate), or use unix:///path");
        }

        foreach (var (key, path) in new[] { ("docker_api.tls_cert", docker.TlsCert), ("docker_api.tls_key", docker.TlsKey), ("docker_api.tls_ca", docker.TlsCa) })
        {
            RequireAbsolute(where, key, path);
            if (!File.Exists(path))
            {
                throw new ConfigException($"{where}: key '{key}' names {path}, which does not exist");
            }
        }
    }

    private static void RequireAbsolute(string where, string key, string value)
    {
        if (!Path.IsPathRooted(value) || value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ConfigException($"{where}: key '{key}' must be an absolute path (got \"{value}\")");
        }
    }
}
