using System.Text;
using System.Text.Json;

namespace Minato.Configuration;

/// <summary>Writes the effective configuration as JSON for Status verbose and <c>minato info</c>.</summary>
public static class ConfigJson
{
    /// <summary>The configuration with TOML key names, so operators can map it back to their file.</summary>
    public static string Write(MinatoConfig config)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("source", config.SourcePath ?? "(built-in defaults)");
            json.WriteString("listen", config.Listen);
            json.WriteString("root", config.Root);
            json.WriteString("state", config.State);
            json.WriteString("log_level", ConfigSchema.LogLevelName(config.LogLevel));
            json.WriteString("log_format", config.LogFormat);
            json.WriteString("cgroup_driver", config.CgroupDriver.ToString().ToLowerInvariant());
            json.WriteString("cni_config_dir", config.Cni.ConfigDir);
            json.WriteStartArray("cni_plugin_dirs");
            foreach (var dir in config.Cni.PluginDirs)
            {
                json.WriteStringValue(dir);
            }

            json.WriteEndArray();
            json.WriteNumber("cni_timeout_seconds", (int)config.Cni.PluginTimeout.TotalSeconds);
            json.WriteString("cni_config_template", config.CniConfigTemplate);
            json.WriteNumber("list_stream_chunk_size", config.ListStreamChunkSize);
            json.WriteString("default_runtime", config.DefaultRuntime);
            json.WriteString("conmon", config.Conmon);
            json.WriteNumber("runtime_timeout_seconds", (int)config.RuntimeTimeout.TotalSeconds);
            json.WriteNumber("shutdown_timeout_seconds", (int)config.ShutdownTimeout.TotalSeconds);
            json.WriteString("streaming_address", config.Streaming.Address);
            json.WriteNumber("streaming_port", config.Streaming.Port);
            json.WriteString("registries_config", RegistriesConfigLoader.Locate(config.Images.RegistriesConfig) ?? "(none)");
            json.WriteString("registry_auth_file", config.Images.RegistryAuthFile);
            json.WriteString("sandbox_image", config.Images.SandboxImage);
            json.WriteNumber("max_concurrent_downloads", config.Images.Pull.MaxConcurrentDownloadsPerImage);
            json.WriteNumber("max_concurrent_downloads_total", config.Images.Pull.MaxConcurrentDownloads);
            json.WriteNumber("image_pull_stall_timeout_seconds", (int)config.Images.Pull.StallTimeout.TotalSeconds);
            var maxLayer = config.Images.Pull.LayerLimits.MaxUncompressedBytes;
            json.WriteNumber("max_layer_size", maxLayer == long.MaxValue ? 0 : maxLayer);
            json.WriteNumber("min_free_space", config.Images.Pull.DiskReserveBytes);
            json.WriteString("seccomp_profile_root", config.SeccompProfileRoot);
            json.WriteStartArray("cdi_spec_dirs");
            foreach (var dir in config.CdiSpecDirs)
            {
                json.WriteStringValue(dir);
            }

            json.WriteEndArray();

            json.WriteStartObject("docker_api");
            json.WriteString("listen", config.DockerApi.Listen);
            json.WriteString("group", config.DockerApi.Group);
            json.WriteString("bridge_name", config.DockerApi.BridgeName);
            json.WriteString("bridge_subnet", config.DockerApi.BridgeSubnet);
            json.WriteString("network_pool", config.DockerApi.NetworkPool);
            json.WriteString("pod_containers", ConfigSchema.PodContainersName(config.DockerApi.PodContainers));
            json.WriteEndObject();
            json.WriteStartObject("metrics");
            json.WriteString("address", config.MetricsAddress);
            json.WriteEndObject();
            json.WriteStartObject("gc");
            json.WriteString("interval", Cli.LogSince.FormatDuration(config.Gc.Interval));
            json.WriteNumber("image_gc_high_percent", config.Gc.ImageGcHighPercent);
            json.WriteNumber("image_gc_low_percent", config.Gc.ImageGcLowPercent);
            json.WriteEndObject();
            json.WriteStartObject("runtimes");
            foreach (var handler in config.RuntimeHandlers)
            {
                json.WriteStartObject(handler.Name);
                json.WriteString("path", handler.Path);
                json.WriteString("root", handler.Root);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
