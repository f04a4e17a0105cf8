using System.CommandLine;
using Google.Protobuf;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary>Container verbs in the spirit of crictl: <c>create</c>, <c>start</c>, <c>stop</c>, <c>rm</c>, <c>inspect</c>.</summary>
internal static class ContainerCommands
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithIndentation());

    /// <summary><c>minato create POD-ID CONTAINER-CONFIG.json POD-CONFIG.json</c>: create a container (not started).</summary>
    public static Command Create()
    {
        var pod = new Argument<string>("pod-id") { Description = "The pod sandbox's id" };
        var containerFile = new Argument<FileInfo>("container-config") { Description = "ContainerConfig as JSON (crictl's format)" };
        var podFile = new Argument<FileInfo>("pod-config") { Description = "The pod's PodSandboxConfig as JSON (for its log directory)" };
        var command = new Command("create", "Create a container in a pod");
        command.Arguments.Add(pod);
        command.Arguments.Add(containerFile);
        command.Arguments.Add(podFile);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var request = new CreateContainerRequest
            {
                PodSandboxId = parse.GetValue(pod)!,
                Config = PodCommands.ReadConfig<ContainerConfig>(parse.GetValue(containerFile)!),
                SandboxConfig = PodCommands.ReadConfig<PodSandboxConfig>(parse.GetValue(podFile)!),
            };
            var response = await connection.Runtime.CreateContainerAsync(request, cancellationToken: cancellationToken);
            await writer.WriteLineAsync(response.ContainerId);
        });
        return command;
    }

    /// <summary><c>minato start ID...</c>.</summary>
    public static Command Start() => ForEachId("start", "Start created containers", null, async (connection, id, _, ct) =>
        await connection.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }, cancellationToken: ct));

    /// <summary><c>minato stop [--timeout S] ID...</c>.</summary>
    public static Command Stop()
    {
        var timeout = new Option<long>("--timeout", "-t") { Description = "Seconds to wait after the stop signal before SIGKILL", DefaultValueFactory = _ => 10 };
        return ForEachId("stop", "Stop containers (idempotent)", timeout, async (connection, id, seconds, ct) =>
            await connection.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = seconds }, cancellationToken: ct));
    }

    /// <summary><c>minato rm ID...</c>.</summary>
    public static Command Remove() => ForEachId("rm", "Remove containers (stopping them first)", null, async (connection, id, _, ct) =>
        await connection.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id }, cancellationToken: ct));

    /// <summary><c>minato inspect ID</c>: status and verbose info as JSON.</summary>
    public static Command Inspect()
    {
        var id = new Argument<string>("id") { Description = "Container id or unique prefix" };
        var command = new Command("inspect", "Show a container's status and verbose info as JSON");
        command.Arguments.Add(id);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var response = await connection.Runtime.ContainerStatusAsync(
                new ContainerStatusRequest { ContainerId = parse.GetValue(id)!, Verbose = true }, cancellationToken: cancellationToken);
            var root = new System.Text.Json.Nodes.JsonObject { ["status"] = System.Text.Json.Nodes.JsonNode.Parse(Formatter.Format(response.Status)) };
            if (response.Info.TryGetValue("info", out var info))
            {
                root["info"] = JsonOutput.ParseOrString(info);
            }

            await writer.WriteLineAsync(root.ToJsonString(JsonOutput.Indented));
        });
        return command;
    }

    private static Command ForEachId(string name, string description, Option<long>? number, Func<CriConnection, string, long, CancellationToken, Task> action)
    {
        var ids = new Argument<string[]>("id") { Description = "Container ids", Arity = ArgumentArity.OneOrMore };
        var command = new Command(name, description);
        command.Arguments.Add(ids);
        if (number is not null)
        {
            command.Options.Add(number);
        }

        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var value = number is null ? 0 : parse.GetValue(number);
            foreach (var id in parse.GetValue(ids)!)
            {
                await action(connection, id, value, cancellationToken);
                await writer.WriteLineAsync(id);
            }
        });
        return command;
    }
}
