using System.Text.Json.Nodes;
using Minato.Build.Dockerfile;
using Minato.Engine.Oci.Spec;

namespace Minato.Build;

/// <summary>The instructions that change only the image config (Docker's <c>#(nop)</c> steps), and the step dispatch.</summary>
public sealed partial class ImageBuilder
{
    private async Task StepAsync(BuildRun run, StageState state, Instruction instruction, CancellationToken cancellationToken)
    {
        switch (instruction)
        {
            case RunInstruction runStep:
                await RunStepAsync(state, runStep, cancellationToken);
                return;
            case CopyInstruction copy:
                await CopyStepAsync(state, copy, cancellationToken);
                return;
            case FromInstruction or OnbuildInstruction { Trigger: FromInstruction or OnbuildInstruction }:
                throw new BuildFailedException($"{instruction.Text}: not allowed here");
        }

        var text = Metadata(state, instruction);
        state.Advance(text);
        if (!run.Options.NoCache && cache.Find(state.Key) is not null)
        {
            await run.Output.WriteAsync(" ---> Using cache\n", cancellationToken);
            run.StepsCached++;
        }
        else
        {
            run.StepsRun++;
        }

        state.Config.AddHistory($"{string.Join(' ', ShellOf(state))} #(nop)  {text}", time.GetUtcNow(), emptyLayer: true);
    }

    private static IReadOnlyList<string> ShellOf(StageState state) =>
        state.Config.Strings("Shell") is { Count: > 0 } shell ? shell : ["/bin/sh", "-c"];

    private static string Expand(StageState state, string word) =>
        ShellWords.Expand(word, state.Lookup, state.Run.Document.Escape);

    /// <summary>Applies a metadata instruction; returns its text as the history and cache key record it.</summary>
    private static string Metadata(StageState state, Instruction instruction)
    {
        var config = state.Config;
        switch (instruction)
        {
            case ArgInstruction arg:
                foreach (var (name, value) in arg.Args)
                {
                    state.Run.Consumed.Add(name);
                    var fallback = value is null ? state.Run.MetaArg(name) : Expand(state, value);
                    state.Args[name] = state.Run.Options.BuildArgs.TryGetValue(name, out var given) && given is not null ? given : fallback;
                }

                return instruction.Text;
            case EnvInstruction env:
                var pairs = new List<string>();
                foreach (var (name, value) in env.Variables)
                {
                    var expanded = Expand(state, value);
                    config.SetEnvironment(name, expanded);
                    pairs.Add($"{name}={expanded}");
                }

                return "ENV " + string.Join(' ', pairs);
            case LabelInstruction label:
                var labels = new List<string>();
                foreach (var (name, value) in label.Labels)
                {
                    var key = Expand(state, name);
                    var expanded = Expand(state, value);
                    config.SetInMap("Labels", key, expanded);
                    labels.Add($"{key}={Quote(expanded)}");
                }

                return "LABEL " + string.Join(' ', labels);
            case WorkdirInstruction workdir:
                var path = Expand(state, workdir.Path);
                var current = config.String("WorkingDir") is { Length: > 0 } w ? w : "/";
                config.SetString("WorkingDir", CleanPath(path.StartsWith('/') ? path : $"{current}/{path}"));
                return "WORKDIR " + config.String("WorkingDir");
            case UserInstruction user:
                config.SetString("User", Expand(state, user.User));
                return "USER " + config.String("User");
            case ExposeInstruction expose:
                var ports = expose.Ports.Select(p => Expand(state, p)).Select(p => p.Contains('/', StringComparison.Ordinal) ? p.ToLowerInvariant() : p + "/tcp").ToList();
                foreach (var port in ports)
                {
                    config.SetInMap("ExposedPorts", port, new JsonObject());
                }

                return "EXPOSE " + string.Join(' ', ports);
            case VolumeInstruction volume:
                var paths = volume.Paths.Select(p => Expand(state, p)).ToList();
                if (paths.Any(p => p.Length == 0))
                {
                    throw new BuildFailedException($"VOLUME specified can not be an empty string (line {instruction.Line})");
                }

                foreach (var p in paths)
                {
                    config.SetInMap("Volumes", p, new JsonObject());
                }

                return "VOLUME [" + string.Join(' ', paths) + "]";
            case CmdInstruction cmd:
                config.SetStrings("Cmd", CommandOf(state, cmd.Command));
                state.CmdSet = true;
                return $"CMD [{string.Join(' ', config.Strings("Cmd").Select(a => $"\"{a}\""))}]";
            case EntrypointInstruction entrypoint:
                config.SetStrings("Entrypoint", CommandOf(state, entrypoint.Command));
                if (!state.CmdSet)
                {
                    config.Config["Cmd"] = null;
                }

                return $"ENTRYPOINT [{string.Join(' ', config.Strings("Entrypoint").Select(a => $"\"{a}\""))}]";
            case ShellInstruction shell:
                config.SetStrings("Shell", shell.Shell);
                return $"SHELL [{string.Join(' ', shell.Shell.Select(a => $"\"{a}\""))}]";
            case StopSignalInstruction stop:
                config.SetString("StopSignal", Expand(state, stop.Signal));
                return "STOPSIGNAL " + config.String("StopSignal");
            case MaintainerInstruction maintainer:
                config.Root["author"] = Expand(state, maintainer.Name);
                return instruction.Text;
            case HealthcheckInstruction health:
                config.Config["Healthcheck"] = Healthcheck(health);
                return instruction.Text;
            case OnbuildInstruction onbuild:
                if (config.Config["OnBuild"] is not JsonArray triggers)
                {
                    triggers = [];
                    config.Config["OnBuild"] = triggers;
                }

                triggers.Add(onbuild.TriggerText);
                return instruction.Text;
            default:
                throw new BuildFailedException($"{instruction.Text}: this instruction is not supported by the builder");
        }
    }

    private static IReadOnlyList<string> CommandOf(StageState state, CommandForm command) =>
        command.IsExec ? command.Arguments : [.. ShellOf(state), command.Shell];

    private static JsonObject Healthcheck(HealthcheckInstruction health)
    {
        if (health.Test is null)
        {
            return new JsonObject { ["Test"] = new JsonArray("NONE") };
        }

        var test = health.Test.IsExec ? new JsonArray([JsonValue.Create("CMD"), .. health.Test.Arguments.Select(a => JsonValue.Create(a))])
            : new JsonArray("CMD-SHELL", health.Test.Shell);
        var result = new JsonObject { ["Test"] = test };
        Put(result, "Interval", health.Interval);
        Put(result, "Timeout", health.Timeout);
        Put(result, "StartPeriod", health.StartPeriod);
        Put(result, "StartInterval", health.StartInterval);
        if (health.Retries is { } retries)
        {
            result["Retries"] = retries;
        }

        return result;

        static void Put(JsonObject target, string key, TimeSpan? value)
        {
            if (value is { } v)
            {
                target[key] = v.Ticks * 100;
            }
        }
    }

    /// <summary>A clean absolute path: no empty, "." or ".." components (".." stops at the root).</summary>
    internal static string CleanPath(string path) => SpecValues.Clean(path);
}
