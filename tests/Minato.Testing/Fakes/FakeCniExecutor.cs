using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Minato.Engine.Network;

namespace Minato.Testing.Fakes;

/// <summary>Records plugin invocations and answers like well-behaved plugins, or fails where told to.</summary>
public sealed class FakeCniExecutor : ICniPluginExecutor
{
    private int _nextIp = 2;

    /// <summary>Every call in order: command, plugin type, config sent on stdin, environment.</summary>
    public ConcurrentQueue<(string Command, string Plugin, JsonObject Config, IReadOnlyDictionary<string, string> Environment)> Calls { get; } = new();

    /// <summary>Plugin type and command that should fail, with the CNI error message to return.</summary>
    public Dictionary<(string Plugin, string Command), string> Failures { get; } = [];

    /// <summary>Container ids currently holding an address (ADD without DEL).</summary>
    public ConcurrentDictionary<string, string> Allocations { get; } = new();

    public Task<CniExecResult> ExecuteAsync(string plugin, IReadOnlyDictionary<string, string> environment, byte[] stdin, CancellationToken cancellationToken)
    {
        var type = Path.GetFileName(plugin);
        var command = environment["CNI_COMMAND"];
        var config = JsonNode.Parse(stdin)!.AsObject();
        Calls.Enqueue((command, type, config, environment));
        if (Failures.TryGetValue((type, command), out var message))
        {
            var error = new JsonObject { ["cniVersion"] = "1.0.0", ["code"] = 11, ["msg"] = message, ["details"] = "fake failure" };
            return Task.FromResult(new CniExecResult(1, Encoding.UTF8.GetBytes(error.ToJsonString()), string.Empty));
        }

        var containerId = environment["CNI_CONTAINERID"];
        if (command == "DEL")
        {
            Allocations.TryRemove(containerId, out _);
            return Task.FromResult(new CniExecResult(0, [], string.Empty));
        }

        // The first plugin (no prevResult) allocates; later ones pass the result through, as bridge/portmap do.
        if (config["prevResult"] is JsonObject previous)
        {
            return Task.FromResult(new CniExecResult(0, Encoding.UTF8.GetBytes(previous.ToJsonString()), string.Empty));
        }

        var ip = $"10.99.0.{Interlocked.Increment(ref _nextIp)}";
        Allocations[containerId] = ip;
        var result = new JsonObject
        {
            ["cniVersion"] = config["cniVersion"]!.GetValue<string>(),
            ["interfaces"] = new JsonArray(new JsonObject { ["name"] = "eth0", ["sandbox"] = environment["CNI_NETNS"] }),
            ["ips"] = new JsonArray(new JsonObject { ["interface"] = 0, ["address"] = $"{ip}/24", ["gateway"] = "10.99.0.1" }),
        };
        return Task.FromResult(new CniExecResult(0, Encoding.UTF8.GetBytes(result.ToJsonString()), string.Empty));
    }
}
