using System.Text;
using System.Text.Json.Nodes;

namespace Minato.Engine.Network;

/// <summary>Runs a network configuration list's plugins in order (ADD, CHECK) or in reverse (DEL), as the CNI spec says.</summary>
public sealed class CniChain(CniConfigDirectory directory, ICniPluginExecutor executor)
{
    /// <summary>Adds the attachment to the network; on failure, deletes what was added before rethrowing.</summary>
    /// <param name="network">The network list (its raw bytes are the source of each plugin's config).</param>
    /// <param name="attachment">Container, namespace, interface and CNI_ARGS.</param>
    /// <param name="runtimeConfig">Capability arguments (portMappings, bandwidth, dns), passed to plugins that declare them.</param>
    /// <param name="cancellationToken">Cancels the running plugin.</param>
    public Task<CniResult> AddAsync(CniNetworkList network, CniAttachment attachment, JsonObject runtimeConfig, CancellationToken cancellationToken) =>
        MeasuredAsync("ADD", () => AddAllAsync(network, attachment, runtimeConfig, cancellationToken));

    /// <summary>Deletes the attachment, last plugin first; <paramref name="previousResult"/> is the cached ADD result.</summary>
    public Task DeleteAsync(CniNetworkList network, CniAttachment attachment, JsonObject runtimeConfig, string? previousResult, CancellationToken cancellationToken) =>
        MeasuredAsync("DEL", async () =>
        {
            await DeleteAllAsync(network, attachment, runtimeConfig, previousResult, cancellationToken);
            return true;
        });

    /// <summary>Times one operation on a network list and counts its failure, both labelled by operation only.</summary>
    private static async Task<T> MeasuredAsync<T>(string operation, Func<Task<T>> run)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var tag = new KeyValuePair<string, object?>("operation", operation);
        try
        {
            return await run();
        }
        catch
        {
            Diagnostics.EngineMeter.CniFailures.Add(1, tag);
            throw;
        }
        finally
        {
            Diagnostics.EngineMeter.CniDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, tag);
        }
    }

    private async Task<CniResult> AddAllAsync(CniNetworkList network, CniAttachment attachment, JsonObject runtimeConfig, CancellationToken cancellationToken)
    {
        string? previous = null;
        try
        {
            foreach (var plugin in Plugins(network))
            {
                var stdout = await RunAsync("ADD", network, plugin, attachment, runtimeConfig, previous, cancellationToken);
                previous = Encoding.UTF8.GetString(stdout);
            }
        }
        catch (Exception e) when (e is CniException or OperationCanceledException)
        {
            // The spec asks for DEL after a failed ADD so partial allocations (IPs, veths, rules) are released.
            try
            {
                await DeleteAllAsync(network, attachment, runtimeConfig, previous, CancellationToken.None);
            }
            catch (CniException)
            {
                // The ADD error is the one worth reporting; DEL will be retried when the pod is removed.
            }

            throw;
        }

        return previous is null
            ? throw new CniException($"network {network.Name} has no plugins")
            : CniResult.Parse(Encoding.UTF8.GetBytes(previous));
    }

    private async Task DeleteAllAsync(CniNetworkList network, CniAttachment attachment, JsonObject runtimeConfig, string? previousResult, CancellationToken cancellationToken)
    {
        foreach (var plugin in Enumerable.Reverse(Plugins(network)))
        {
            await RunAsync("DEL", network, plugin, attachment, runtimeConfig, previousResult, cancellationToken);
        }
    }

    private static List<JsonObject> Plugins(CniNetworkList network)
    {
        var root = JsonNode.Parse(network.Raw)!.AsObject();
        return root["plugins"]!.AsArray().Select(p => p!.AsObject()).ToList();
    }

    private async Task<byte[]> RunAsync(string command, CniNetworkList network, JsonObject plugin, CniAttachment attachment,
        JsonObject runtimeConfig, string? previousResult, CancellationToken cancellationToken)
    {
        var type = plugin["type"]!.GetValue<string>();
        var path = directory.FindPlugin(type) ?? throw new CniException($"CNI plugin {type} not found in {string.Join(", ", directory.Options.PluginDirs)}");
        var config = PluginConfig(network, plugin, runtimeConfig, previousResult);
        var environment = new Dictionary<string, string>
        {
            ["CNI_COMMAND"] = command,
            ["CNI_CONTAINERID"] = attachment.ContainerId,
            ["CNI_NETNS"] = attachment.NetnsPath,
            ["CNI_IFNAME"] = attachment.InterfaceName,
            ["CNI_ARGS"] = attachment.ArgsString,
            ["CNI_PATH"] = string.Join(':', directory.Options.PluginDirs),
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        };
        var result = await executor.ExecuteAsync(path, environment, Encoding.UTF8.GetBytes(config.ToJsonString()), cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new CniException($"CNI plugin {type} {command} failed: {DescribeError(result)}");
        }

        return result.Stdout;
    }

    /// <summary>The plugin's own object plus name, cniVersion, its capability args and prevResult (spec section 5).</summary>
    internal static JsonObject PluginConfig(CniNetworkList network, JsonObject plugin, JsonObject runtimeConfig, string? previousResult)
    {
        var config = plugin.DeepClone().AsObject();
        config["name"] = network.Name;
        config["cniVersion"] = network.CniVersion;
        config.Remove("runtimeConfig");
        if (plugin["capabilities"] is JsonObject capabilities)
        {
            var selected = new JsonObject();
            foreach (var (capability, enabled) in capabilities)
            {
                if (enabled is JsonValue flag && flag.TryGetValue<bool>(out var on) && on && runtimeConfig[capability] is { } value)
                {
                    selected[capability] = value.DeepClone();
                }
            }

            if (selected.Count > 0)
            {
                config["runtimeConfig"] = selected;
            }
        }

        if (previousResult is not null)
        {
            config["prevResult"] = JsonNode.Parse(previousResult);
        }

        return config;
    }

    private static string DescribeError(CniExecResult result)
    {
        try
        {
            if (JsonNode.Parse(result.Stdout) is JsonObject error && error["msg"] is { } msg)
            {
                var details = error["details"]?.ToString();
                return string.IsNullOrEmpty(details) ? msg.ToString() : $"{msg}: {details}";
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a CNI error document; fall back to what the plugin printed.
        }

        var text = (Encoding.UTF8.GetString(result.Stdout) + " " + result.Stderr).Trim();
        return text.Length == 0 ? $"exit code {result.ExitCode}" : text[..Math.Min(text.Length, 4096)];
    }
}
