using System.CommandLine;
using Google.Protobuf;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary>Pod sandbox verbs in the spirit of crictl: <c>runp</c>, <c>stopp</c>, <c>rmp</c>, <c>inspectp</c>.</summary>
internal static class PodCommands
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithIndentation());

    /// <summary><c>minato runp POD-CONFIG.json</c>: run a pod sandbox from a crictl-style JSON config.</summary>
    public static Command Run()
    {
        var file = new Argument<FileInfo>("config") { Description = "PodSandboxConfig as JSON (crictl's format; proto field names or camelCase)" };
        var runtime = new Option<string>("--runtime") { Description = "OCI runtime handler (default: the daemon's default_runtime)", DefaultValueFactory = _ => string.Empty };
        var command = new Command("runp", "Run a pod sandbox");
        command.Arguments.Add(file);
        command.Options.Add(runtime);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var config = ReadConfig<PodSandboxConfig>(parse.GetValue(file)!);
            var response = await connection.Runtime.RunPodSandboxAsync(
                new RunPodSandboxRequest { Config = config, RuntimeHandler = parse.GetValue(runtime) }, cancellationToken: cancellationToken);
            await writer.WriteLineAsync(response.PodSandboxId);
        });
        return command;
    }

    /// <summary><c>minato stopp ID...</c>.</summary>
    public static Command Stop() => ForEachId("stopp", "Stop pod sandboxes (idempotent)", async (connection, id, ct) =>
        await connection.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id }, cancellationToken: ct));

    /// <summary><c>minato rmp ID...</c>.</summary>
    public static Command Remove() => ForEachId("rmp", "Remove pod sandboxes (stopping them first)", async (connection, id, ct) =>
        await connection.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id }, cancellationToken: ct));

    /// <summary><c>minato inspectp ID</c>: status and verbose info as JSON.</summary>
    public static Command Inspect()
    {
        var id = new Argument<string>("id") { Description = "Pod sandbox id or unique prefix" };
        var command = new Command("inspectp", "Show a pod sandbox's status and verbose info as JSON");
        command.Arguments.Add(id);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var response = await connection.Runtime.PodSandboxStatusAsync(
                new PodSandboxStatusRequest { PodSandboxId = parse.GetValue(id)!, Verbose = true }, cancellationToken: cancellationToken);
            var json = System.Text.Json.Nodes.JsonNode.Parse(Formatter.Format(response.Status))!;
            var root = new System.Text.Json.Nodes.JsonObject { ["status"] = json };
            if (response.Info.TryGetValue("info", out var info))
            {
                root["info"] = JsonOutput.ParseOrString(info);
            }

            await writer.WriteLineAsync(root.ToJsonString(JsonOutput.Indented));
        });
        return command;
    }

    /// <summary>Parses a crictl-style JSON config file into a CRI message, with the file named in errors.</summary>
    internal static T ReadConfig<T>(FileInfo file)
        where T : IMessage<T>, new()
    {
        if (!file.Exists)
        {
            throw new CliException($"{file.FullName}: no such file");
        }

        if (file.Length > 4 * 1024 * 1024)
        {
            throw new CliException($"{file.FullName}: larger than 4 MiB");
        }

        try
        {
            return new JsonParser(JsonParser.Settings.Default.WithIgnoreUnknownFields(false)).Parse<T>(File.ReadAllText(file.FullName));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CliException($"{file.FullName}: {e.Message}", e);
        }
        catch (InvalidJsonException e)
        {
            throw new CliException($"{file.FullName}: {e.Message}", e);
        }
    }

    private static Command ForEachId(string name, string description, Func<CriConnection, string, CancellationToken, Task> action)
    {
        var ids = new Argument<string[]>("id") { Description = "Pod sandbox ids", Arity = ArgumentArity.OneOrMore };
        var command = new Command(name, description);
        command.Arguments.Add(ids);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            foreach (var id in parse.GetValue(ids)!)
            {
                await action(connection, id, cancellationToken);
                await writer.WriteLineAsync(id);
            }
        });
        return command;
    }
}
