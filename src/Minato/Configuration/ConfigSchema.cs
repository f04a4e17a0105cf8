using System.Globalization;
using Microsoft.Extensions.Logging;
using Minato.Engine.Linux.Cgroups;

namespace Minato.Configuration;

/// <summary>Every key <c>minato.toml</c> accepts: how to bind it, and how to document it in the default file.</summary>
internal static class ConfigSchema
{
    /// <summary>A top-level key: its comment, its default rendered as TOML, and how a value is applied. A key that is
    /// off by default has an <paramref name="Example"/>, shown commented out instead of the (empty) default.</summary>
    internal sealed record Key(
        string Name, string Comment, Func<MinatoConfig, string> Render, Func<MinatoConfig, TomlEntry, MinatoConfig> Apply, string? Example = null);

    internal static readonly IReadOnlyList<Key> Keys =
    [
        new("listen", "CRI endpoint the daemon serves (a Unix socket, mode 0660).",
            c => Quote(c.Listen), (c, e) => c with { Listen = e.AsString() }),
        new("root", "Persistent data: metadata database, content store, image snapshots.",
            c => Quote(c.Root), (c, e) => c with { Root = e.AsString() }),
        new("state", "Runtime state (tmpfs): bundles, pinned namespaces, exit files, OCI runtime roots.",
            c => Quote(c.State), (c, e) => c with { State = e.AsString() }),
        new("log_level", "trace, debug, info, warn, error. At debug every CRI call is logged with its duration.",
            c => Quote(LogLevelName(c.LogLevel)), (c, e) => c with { LogLevel = ParseLogLevel(e) }),
        new("log_format", "text (one line per event) or json (one object per line).",
            c => Quote(c.LogFormat), (c, e) => c with { LogFormat = OneOf(e, "text", "json") }),
        new("cgroup_driver", "cgroupfs, or systemd when systemd manages the node (the kubelet must use the same).",
            c => Quote(c.CgroupDriver.ToString().ToLowerInvariant()), (c, e) => c with { CgroupDriver = ParseDriver(e) }),
        new("cni_config_dir", "The first valid *.conflist here (ordinal order) is the pod network.",
            c => Quote(c.Cni.ConfigDir), (c, e) => c with { Cni = c.Cni with { ConfigDir = e.AsString() } }),
        new("cni_plugin_dirs", "Directories searched in order for CNI plugin executables.",
            c => "[" + string.Join(", ", c.Cni.PluginDirs.Select(Quote)) + "]",
            (c, e) => c with { Cni = c.Cni with { PluginDirs = e.AsStringArray() } }),
        new("cni_timeout_seconds", "Bound on each CNI plugin run (ADD, CHECK, DEL); a plugin that hangs longer is killed: RunPodSandbox fails and undoes the pod, StopPodSandbox fails and the next Stop or Remove tries DEL again.",
            c => ((int)c.Cni.PluginTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            (c, e) => c with { Cni = c.Cni with { PluginTimeout = TimeSpan.FromSeconds(Range(e, 1, 3600)) } }),
        new("cni_config_template", "A CNI network list template, rendered with the pod CIDRs the kubelet sends (UpdateRuntimeConfig) into <cni_config_dir>/10-minato-net.conflist while no other network is usable: containerd's conf_template forms {{.PodCIDR}}, {{range $i, $r := .PodCIDRRanges}}{{if $i}},{{end}}...{{$r}}...{{end}}, .Routes (0.0.0.0/0 and/or ::/0), comments and {{- -}}; anything else is refused. Unset (the default): the CNI config is left to other components.",
            c => Quote(c.CniConfigTemplate), (c, e) => c with { CniConfigTemplate = e.AsString() }, Example: Quote("/etc/minato/cni-conf.template")),
        new("list_stream_chunk_size", "Most objects per message of the Stream* list RPCs (1 to 50; 50 keeps a message under gRPC's 16 MiB).",
            c => c.ListStreamChunkSize.ToString(CultureInfo.InvariantCulture),
            (c, e) => c with { ListStreamChunkSize = (int)Range(e, 1, MinatoConfig.MaxListStreamChunkSize) }),
        new("default_runtime", "OCI runtime handler used when a pod names none; must be a key of [runtimes].",
            c => Quote(c.DefaultRuntime), (c, e) => c with { DefaultRuntime = e.AsString() }),
        new("conmon", "The conmon executable that monitors each container. Empty: conmon on PATH, else /usr/bin/conmon.",
            c => Quote(c.Conmon), (c, e) => c with { Conmon = e.AsString() }, Example: Quote("/usr/bin/conmon")),
        new("runtime_timeout_seconds", "Bound on each OCI runtime command (create, start, exec, kill, delete) and on conmon's report; a runtime that hangs longer is killed and the call fails.",
            c => ((int)c.RuntimeTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            (c, e) => c with { RuntimeTimeout = TimeSpan.FromSeconds(Range(e, 1, 3600)) }),
        new("shutdown_timeout_seconds", "How long in-flight CRI calls may run after SIGTERM before the daemon exits.",
            c => ((int)c.ShutdownTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            (c, e) => c with { ShutdownTimeout = TimeSpan.FromSeconds(Range(e, 0, 3600)) }),
        new("registries_config", "registries.conf (containers-registries.conf(5) v2: mirrors, insecure, blocked, search). Empty: /etc/minato/registries.conf, else /etc/containers/registries.conf, else none.",
            c => Quote(c.Images.RegistriesConfig), (c, e) => c with { Images = c.Images with { RegistriesConfig = e.AsString() } }),
        new("registry_auth_file", "Registry credentials in the containers-auth.json / Docker config.json format (\"auths\"). Empty: none.",
            c => Quote(c.Images.RegistryAuthFile), (c, e) => c with { Images = c.Images with { RegistryAuthFile = e.AsString() } }),
        new("sandbox_image", "The pod sandbox image; reported as pinned so the kubelet's image GC keeps it.",
            c => Quote(c.Images.SandboxImage), (c, e) => c with { Images = c.Images with { SandboxImage = e.AsString() } }),
        new("max_concurrent_downloads", "Layers of one image downloaded at the same time.",
            c => c.Images.Pull.MaxConcurrentDownloadsPerImage.ToString(CultureInfo.InvariantCulture),
            (c, e) => c with { Images = c.Images with { Pull = c.Images.Pull with { MaxConcurrentDownloadsPerImage = (int)Range(e, 1, 64) } } }),
        new("max_concurrent_downloads_total", "Layers downloaded at the same time across all pulls.",
            c => c.Images.Pull.MaxConcurrentDownloads.ToString(CultureInfo.InvariantCulture),
            (c, e) => c with { Images = c.Images with { Pull = c.Images.Pull with { MaxConcurrentDownloads = (int)Range(e, 1, 256) } } }),
        new("image_pull_stall_timeout_seconds", "A pull that receives no data for this long fails.",
            c => ((int)c.Images.Pull.StallTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            (c, e) => c with { Images = c.Images with { Pull = c.Images.Pull with { StallTimeout = TimeSpan.FromSeconds(Range(e, 1, 86400)) } } }),
        new("max_layer_size", "Most bytes one image layer may unpack to (a decompression bomb stops there and the pull fails with RESOURCE_EXHAUSTED): bytes, or a size such as \"32GiB\" or \"500MB\"; 0 for no cap. The largest real layers (CUDA, bundled model weights) stay well under the default.",
            c => RenderSize(c.Images.Pull.LayerLimits.MaxUncompressedBytes, long.MaxValue),
            (c, e) => c with { Images = c.Images with { Pull = c.Images.Pull with { LayerLimits = c.Images.Pull.LayerLimits with { MaxUncompressedBytes = Size(e) is var size and > 0 ? size : long.MaxValue } } } }),
        new("min_free_space", "Free space a pull must leave on the filesystem of root (checked before and while layers are written; the pull fails with RESOURCE_EXHAUSTED instead): bytes or a size such as \"1GiB\"; 0 for none. Room for the database, logs and containers' writes.",
            c => RenderSize(c.Images.Pull.DiskReserveBytes, -1),
            (c, e) => c with { Images = c.Images with { Pull = c.Images.Pull with { DiskReserveBytes = Size(e) } } }),
        new("streaming_address", "Address of the exec/attach/port-forward streaming server (HTTP, SPDY/3.1 and WebSocket); the kubelet connects to it on this node.",
            c => Quote(c.Streaming.Address), (c, e) => c with { Streaming = c.Streaming with { Address = ParseAddress(e) } }),
        new("streaming_port", "TCP port of the streaming server; 0 picks a free port at start-up.",
            c => c.Streaming.Port.ToString(CultureInfo.InvariantCulture),
            (c, e) => c with { Streaming = c.Streaming with { Port = (int)Range(e, 0, 65535) } }),
        new("seccomp_profile_root", "Directory Localhost seccomp profiles must lie in. Unset (the default): any absolute path to a regular file, as the kubelet sends it and containerd and CRI-O accept.",
            c => Quote(c.SeccompProfileRoot), (c, e) => c with { SeccompProfileRoot = e.AsString() }, Example: Quote("/var/lib/kubelet/seccomp")),
        new("cdi_spec_dirs", "CDI spec directories (*.json, *.yaml), lowest priority first: a device in a later directory replaces the same device of an earlier one. Read again whenever a file in them changes.",
            c => "[" + string.Join(", ", c.CdiSpecDirs.Select(Quote)) + "]", (c, e) => c with { CdiSpecDirs = e.AsStringArray() }),
    ];

    /// <summary>Keys of the <c>[docker_api]</c> table.</summary>
    internal static readonly IReadOnlyList<Key> DockerApiKeys =
    [
        new("listen", "Docker Engine API endpoint: unix:///path (mode 0660), or tcp://host:port with tls_cert, tls_key and tls_ca. Unset: no Docker API. Whoever can connect is root on this machine.",
            c => Quote(c.DockerApi.Listen), (c, e) => c with { DockerApi = c.DockerApi with { Listen = e.AsString() } }, Example: Quote(DockerApiSettings.DefaultListen)),
        new("group", "Group (name or gid) given the Docker socket, as dockerd's \"docker\" group. Unset: root's group.",
            c => Quote(c.DockerApi.Group), (c, e) => c with { DockerApi = c.DockerApi with { Group = e.AsString() } }, Example: Quote("docker")),
        new("tls_cert", "PEM server certificate of a tcp:// listener.",
            c => Quote(c.DockerApi.TlsCert), (c, e) => c with { DockerApi = c.DockerApi with { TlsCert = e.AsString() } }, Example: Quote("/etc/minato/docker-api/cert.pem")),
        new("tls_key", "PEM private key of tls_cert.",
            c => Quote(c.DockerApi.TlsKey), (c, e) => c with { DockerApi = c.DockerApi with { TlsKey = e.AsString() } }, Example: Quote("/etc/minato/docker-api/key.pem")),
        new("tls_ca", "PEM CA bundle that client certificates must chain to (clients without one are refused).",
            c => Quote(c.DockerApi.TlsCa), (c, e) => c with { DockerApi = c.DockerApi with { TlsCa = e.AsString() } }, Example: Quote("/etc/minato/docker-api/ca.pem")),
        new("bridge_name", "Linux bridge of the default \"bridge\" network (not dockerd's docker0, so both can run on one machine).",
            c => Quote(c.DockerApi.BridgeName), (c, e) => c with { DockerApi = c.DockerApi with { BridgeName = InterfaceName(e) } }),
        new("bridge_subnet", "IPv4 subnet of the default \"bridge\" network; its first address is the gateway.",
            c => Quote(c.DockerApi.BridgeSubnet), (c, e) => c with { DockerApi = c.DockerApi with { BridgeSubnet = Subnet(e) } }),
        new("network_pool", "IPv4 range user-defined networks created without a subnet take a /24 from.",
            c => Quote(c.DockerApi.NetworkPool), (c, e) => c with { DockerApi = c.DockerApi with { NetworkPool = Subnet(e) } }),
        new("pod_containers", "How the kubelet's pod containers show through the Docker API: \"read-only\" (as dockershim named and labelled them; any change is refused with 403, the kubelet owns them) or \"hidden\".",
            c => Quote(PodContainersName(c.DockerApi.PodContainers)),
            (c, e) => c with { DockerApi = c.DockerApi with { PodContainers = OneOf(e, "read-only", "hidden") == "hidden" ? Docker.Containers.Pods.PodContainerMode.Hidden : Docker.Containers.Pods.PodContainerMode.ReadOnly } }),
    ];

    internal static string PodContainersName(Docker.Containers.Pods.PodContainerMode mode) =>
        mode == Docker.Containers.Pods.PodContainerMode.Hidden ? "hidden" : "read-only";

    /// <summary>A Linux interface name: 1 to 15 bytes of letters, digits, '_', '.' or '-'.</summary>
    private static string InterfaceName(TomlEntry entry)
    {
        var name = entry.AsString();
        return name.Length is > 0 and <= 15 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-') && name is not ("." or "..")
            ? name
            : throw entry.Error($"must be a network interface name of 1 to 15 letters, digits, '_', '.' or '-' (got \"{name}\")");
    }

    private static string Subnet(TomlEntry entry)
    {
        try
        {
            return Engine.Network.Bridges.Ipv4Subnet.Parse(entry.AsString(), "the subnet").ToString();
        }
        catch (Engine.Errors.InvalidInputException e)
        {
            throw entry.Error(e.Message);
        }
    }

    /// <summary>Keys of the <c>[metrics]</c> table.</summary>
    internal static readonly IReadOnlyList<Key> MetricsKeys =
    [
        new("address", "ip:port of the Prometheus endpoint (GET /metrics, plain HTTP). Unset: no endpoint. Bind it to a private address: it tells what runs here.",
            c => Quote(c.MetricsAddress), (c, e) => c with { MetricsAddress = e.AsString() }, Example: Quote("127.0.0.1:9090")),
    ];

    /// <summary>Keys of the <c>[gc]</c> table.</summary>
    internal static readonly IReadOnlyList<Key> GcKeys =
    [
        new("interval", "Time between collections of what nothing references (blobs and snapshots of interrupted pulls and removed images, directories of removed containers), as 30m, 1h or 1h30m; \"0s\" collects only at start-up.",
            c => Quote(Cli.LogSince.FormatDuration(c.Gc.Interval)), (c, e) => c with { Gc = c.Gc with { Interval = Duration(e) } }),
        new("image_gc_high_percent", "Above this percentage of root's filesystem in use, images no container uses are removed, least recently used first (never the sandbox image). 0: off, as the kubelet does this on Kubernetes nodes.",
            c => c.Gc.ImageGcHighPercent.ToString(CultureInfo.InvariantCulture), (c, e) => c with { Gc = c.Gc with { ImageGcHighPercent = (int)Range(e, 0, 100) } }, Example: "85"),
        new("image_gc_low_percent", "The usage the image policy brings the filesystem down to.",
            c => c.Gc.ImageGcLowPercent.ToString(CultureInfo.InvariantCulture), (c, e) => c with { Gc = c.Gc with { ImageGcLowPercent = (int)Range(e, 0, 100) } }, Example: "80"),
    ];

    private static TimeSpan Duration(TomlEntry entry) =>
        Cli.LogSince.ParseDuration(entry.AsString()) is { } span && span <= TimeSpan.FromDays(365)
            ? span
            : throw entry.Error($"must be a duration such as 30m, 1h or 0s, at most a year (got \"{entry.AsString()}\")");

    /// <summary>Keys of each <c>[runtimes.NAME]</c> table.</summary>
    internal static readonly IReadOnlyList<string> RuntimeKeys = ["path"];

    /// <summary>Applies one entry, or throws a <see cref="ConfigException"/> that names it.</summary>
    internal static MinatoConfig Apply(MinatoConfig config, TomlEntry entry)
    {
        if (entry.KeyPath.Count == 1 && Keys.FirstOrDefault(k => k.Name == entry.KeyPath[0]) is { } key)
        {
            return key.Apply(config, entry);
        }

        if (entry.KeyPath is ["docker_api", var dockerKey] && DockerApiKeys.FirstOrDefault(k => k.Name == dockerKey) is { } docker)
        {
            return docker.Apply(config, entry);
        }

        if (entry.KeyPath is ["metrics", var metricsKey] && MetricsKeys.FirstOrDefault(k => k.Name == metricsKey) is { } metrics)
        {
            return metrics.Apply(config, entry);
        }

        if (entry.KeyPath is ["gc", var gcKey] && GcKeys.FirstOrDefault(k => k.Name == gcKey) is { } gc)
        {
            return gc.Apply(config, entry);
        }

        if (entry.KeyPath is ["runtimes", var handler, "path"])
        {
            if (!IsHandlerName(handler))
            {
                throw entry.Error("names a runtime handler that is not a lowercase DNS label (a-z, 0-9, '-')");
            }

            var paths = new SortedDictionary<string, string>((IDictionary<string, string>)config.RuntimePaths, StringComparer.Ordinal)
            {
                [handler] = entry.AsString(),
            };
            return config with { RuntimePaths = paths };
        }

        throw new ConfigException($"{entry.Where}: unknown key '{entry.Key}'");
    }

    /// <summary>Handler names travel in CRI requests and become directory names: keep them to DNS labels.</summary>
    internal static bool IsHandlerName(string name) =>
        name.Length is > 0 and <= 63 && name.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') &&
        name[0] != '-' && name[^1] != '-';

    internal static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    internal static string LogLevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "info",
    };

    /// <summary>Parses a log level name; null when it is not one.</summary>
    internal static LogLevel? TryParseLogLevel(string value) => value switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => null,
    };

    private static LogLevel ParseLogLevel(TomlEntry entry) =>
        TryParseLogLevel(entry.AsString()) ?? throw entry.Error($"must be one of trace, debug, info, warn, error (got \"{entry.AsString()}\")");

    private static CgroupDriver ParseDriver(TomlEntry entry) => OneOf(entry, "cgroupfs", "systemd") == "systemd"
        ? CgroupDriver.Systemd
        : CgroupDriver.Cgroupfs;

    private static string OneOf(TomlEntry entry, params string[] allowed)
    {
        var value = entry.AsString();
        return allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw entry.Error($"must be one of {string.Join(", ", allowed)} (got \"{value}\")");
    }

    private static string ParseAddress(TomlEntry entry) =>
        System.Net.IPAddress.TryParse(entry.AsString(), out _)
            ? entry.AsString()
            : throw entry.Error($"must be an IPv4 or IPv6 address (got \"{entry.AsString()}\")");

    /// <summary>A size: a non-negative integer of bytes, or a string of digits and a unit: B; K, M, G, T, P or KiB, MiB, GiB,
    /// TiB, PiB (powers of 1024, the one-letter forms as Docker reads them); KB, MB, GB, TB, PB (powers of 1000).</summary>
    internal static long Size(TomlEntry entry)
    {
        if (entry.Value is Tomlyn.Syntax.IntegerValueSyntax)
        {
            return Range(entry, 0, long.MaxValue);
        }

        var text = entry.AsString().Trim();
        return ParseSize(text) ?? throw entry.Error($"must be a number of bytes or a size such as \"10GiB\" or \"500MB\" (got \"{text}\")");
    }

    /// <summary>Parses a size string (see <see cref="Size"/>); null when it is not one or does not fit in 63 bits.</summary>
    internal static long? ParseSize(string text)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text, @"^([0-9]{1,19})\s*([KMGTP]?)(i?)(B?)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ||
            (match.Groups[2].Length == 0 && match.Groups[3].Length > 0))
        {
            return null;
        }

        var power = "KMGTP".IndexOf(char.ToUpperInvariant(match.Groups[2].Value.FirstOrDefault('_')), StringComparison.Ordinal) + 1;
        var decimalUnit = match.Groups[3].Length == 0 && match.Groups[4].Length > 0 && power > 0;
        var unit = (long)Math.Pow(decimalUnit ? 1000 : 1024, power);
        return number > long.MaxValue / unit ? null : number * unit;
    }

    /// <summary>A size as TOML: in the largest binary unit that divides it, "0" for <paramref name="zeroMeans"/>.</summary>
    internal static string RenderSize(long bytes, long zeroMeans)
    {
        if (bytes == zeroMeans || bytes == 0)
        {
            return "0";
        }

        string[] units = ["", "KiB", "MiB", "GiB", "TiB", "PiB"];
        var power = 0;
        while (power < units.Length - 1 && bytes % (1L << (10 * (power + 1))) == 0)
        {
            power++;
        }

        return Quote((bytes >> (10 * power)).ToString(CultureInfo.InvariantCulture) + units[power]);
    }

    private static long Range(TomlEntry entry, long min, long max)
    {
        var value = entry.AsInteger();
        return value >= min && value <= max ? value : throw entry.Error($"must be between {min} and {max} (got {value})");
    }
}
