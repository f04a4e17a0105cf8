using System.CommandLine;
using System.Text.Json.Nodes;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato info</c>: runtime conditions, cgroup driver and the daemon's effective configuration.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var output = ClientOptions.Output();
        var command = new Command("info", "Show the runtime's status conditions, cgroup driver, network and configuration");
        command.Options.Add(output);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var status = await connection.Runtime.StatusAsync(new StatusRequest { Verbose = true }, cancellationToken: cancellationToken);
            var runtimeConfig = await connection.Runtime.RuntimeConfigAsync(new RuntimeConfigRequest(), cancellationToken: cancellationToken);
            var info = new JsonObject();
            foreach (var (key, value) in status.Info.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                info[key] = JsonOutput.ParseOrString(value);
            }

            var driver = runtimeConfig.Linux?.CgroupDriver == CgroupDriver.Systemd ? "systemd" : "cgroupfs";
            if (parse.GetValue(output) == "json")
            {
                var conditions = new JsonArray();
                foreach (var c in status.Status.Conditions)
                {
                    conditions.Add(new JsonObject { ["type"] = c.Type, ["status"] = c.Status, ["reason"] = c.Reason, ["message"] = c.Message });
                }

                var json = new JsonObject
                {
                    ["status"] = new JsonObject { ["conditions"] = conditions },
                    ["cgroupDriver"] = driver,
                    ["info"] = info,
                };
                await writer.WriteLineAsync(json.ToJsonString(JsonOutput.Indented));
                return;
            }

            await writer.WriteLineAsync("Conditions:");
            foreach (var c in status.Status.Conditions)
            {
                var line = c.Status ? $"  {c.Type,-14}true" : $"  {c.Type,-14}false  {c.Reason}: {c.Message}";
                await writer.WriteLineAsync(line);
            }

            await writer.WriteLineAsync($"Cgroup driver:  {driver}");
            if (info["runtime"] is JsonObject runtime)
            {
                await writer.WriteLineAsync($"Cgroup mode:    {runtime["cgroupMode"]}");
                await writer.WriteLineAsync($"Daemon:         minato {runtime["version"]} (pid {runtime["pid"]})");
            }

            if (info["network"] is JsonObject network)
            {
                var text = network["ready"]?.GetValue<bool>() == true
                    ? $"{network["name"]} ({network["file"]})"
                    : $"not ready: {network["problem"]}";
                await writer.WriteLineAsync($"Network:        {text}");
            }

            if (info["config"] is JsonObject config)
            {
                await writer.WriteLineAsync($"Config:         {config["source"]}");
                await writer.WriteLineAsync($"Root / state:   {config["root"]} / {config["state"]}");
            }
        });
        return command;
    }
}
