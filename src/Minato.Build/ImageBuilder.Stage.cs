using Minato.Build.Dockerfile;
using Minato.Engine.Images;
using Minato.Engine.Images.Build;
using Minato.Engine.Images.Store;

namespace Minato.Build;

/// <summary>One stage: FROM, the base's ONBUILD triggers, then each instruction, with the cache consulted per step.</summary>
public sealed partial class ImageBuilder
{
    private async Task<StageResult> BuildStageAsync(BuildRun run, BuildStage stage, LabelInstruction? extra, CancellationToken cancellationToken)
    {
        await StepHeaderAsync(run, stage.From, cancellationToken);
        var state = await FromAsync(run, stage, cancellationToken);
        await run.Output.WriteAsync($" ---> {Short(state.Image?.Id ?? "sha256:" + new string('0', 64))}\n", cancellationToken);
        if (state.Config.Config["OnBuild"] is System.Text.Json.Nodes.JsonArray { Count: > 0 } triggers)
        {
            var texts = triggers.Select(t => t!.GetValue<string>()).ToList();
            state.Config.Config["OnBuild"] = null;
            await run.Output.WriteAsync($"# Executing {texts.Count} build trigger{(texts.Count == 1 ? "" : "s")}\n", cancellationToken);
            foreach (var text in texts)
            {
                await StepAsync(run, state, DockerfileParser.ParseTrigger(text, run.Document.Escape), cancellationToken);
            }
        }

        foreach (var instruction in extra is null ? stage.Instructions : [.. stage.Instructions, extra])
        {
            await StepHeaderAsync(run, instruction, cancellationToken);
            await StepAsync(run, state, instruction, cancellationToken);
            await run.Output.WriteAsync($" ---> {Short(state.CurrentId)}\n", cancellationToken);
        }

        await FinishStageAsync(state, cancellationToken);
        return new StageResult(state.Image, state.Config);
    }

    private static async Task StepHeaderAsync(BuildRun run, Instruction instruction, CancellationToken cancellationToken)
    {
        run.Step++;
        await run.Output.WriteAsync($"Step {run.Step}/{run.TotalSteps} : {instruction.Text}\n", cancellationToken);
    }

    private async Task<StageState> FromAsync(BuildRun run, BuildStage stage, CancellationToken cancellationToken)
    {
        var name = run.ExpandMeta(stage.From.Image);
        if (stage.From.Platform is { Length: > 0 } platform && run.ExpandMeta(platform) is var wanted
            && !Engine.Images.Manifests.PlatformMatcher.Host.Accepts("linux", wanted.Split('/') is [_, var arch, ..] ? arch : wanted))
        {
            throw new BuildFailedException($"FROM --platform={wanted}: only linux/{Engine.Images.Manifests.PlatformMatcher.Host.Architecture} images can be built on this node");
        }

        if (StageIndexOf(run, name, stage.Index) is { } earlier)
        {
            var result = run.Results[earlier];
            return new StageState(run, result.Image, result.Config.Clone(), BuildCache.KeyOf("FROM", result.Image?.Id ?? "scratch"));
        }

        if (name == "scratch")
        {
            return new StageState(run, null, ImageConfigDocument.Empty(), BuildCache.KeyOf("FROM", "scratch"));
        }

        var image = await BaseImageAsync(run, name, cancellationToken);
        var config = ImageConfigDocument.Parse(await images.Content.ReadAllAsync(Digest.Parse(image.Id), cancellationToken));
        return new StageState(run, image, config, BuildCache.KeyOf("FROM", image.Id));
    }

    private static int? StageIndexOf(BuildRun run, string reference, int before) => StageIndex(run.Document, reference, before);

    private async Task<ImageRecord> BaseImageAsync(BuildRun run, string name, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(name);
        if (!run.Options.Pull && images.Resolve(name) is { } stored)
        {
            return stored;
        }

        await run.Output.WriteAsync($"{(reference.Tag ?? "latest")}: Pulling from {reference.Repository}\n", cancellationToken);
        try
        {
            return await puller.PullAsync(reference, null, null, null, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && !run.Options.Pull)
        {
            throw new BuildFailedException($"pull access denied or no such image {name}: {e.Message}", e);
        }
        catch (Exception e) when (e is not OperationCanceledException && images.Resolve(name) is null)
        {
            throw new BuildFailedException($"pull access denied or no such image {name}: {e.Message}", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // --pull with the registry unreachable: the stored copy still builds, as dockerd does.
            await run.Output.WriteAsync($"[Warning] could not pull {name}: {e.Message}; using the stored image\n", cancellationToken);
            return images.Resolve(name)!;
        }
    }

    /// <summary>Records the stage's result as an image unless its last step already did.</summary>
    private async Task FinishStageAsync(StageState state, CancellationToken cancellationToken)
    {
        if (state.Image is not null && state.Image.Id == state.CurrentId)
        {
            Remember(state.Settle(state.Image), state.Image.Id);
            return;
        }

        if (!state.Run.Options.NoCache && cache.Find(state.Key) is { } cached)
        {
            state.Adopt(cached, await ConfigOfAsync(cached, cancellationToken));
            return;
        }

        var image = await recorder.RecordAsync(state.Image, [], state.Config.ToBytes(), [], cancellationToken);
        Remember(state.Settle(image), image.Id);
    }

    private void Remember(IReadOnlyList<string> keys, string imageId)
    {
        foreach (var key in keys)
        {
            cache.Put(key, imageId);
        }
    }

    private async Task<ImageConfigDocument> ConfigOfAsync(ImageRecord image, CancellationToken cancellationToken) =>
        ImageConfigDocument.Parse(await images.Content.ReadAllAsync(Digest.Parse(image.Id), cancellationToken));

    /// <summary>Records a layer step's result and remembers it in the cache.</summary>
    private async Task CommitLayerAsync(StageState state, LayerFile layer, string createdBy, CancellationToken cancellationToken)
    {
        state.Config.AddLayer(layer.Digest.ToString(), createdBy, time.GetUtcNow());
        var image = await recorder.RecordAsync(state.Image, [layer], state.Config.ToBytes(), [], cancellationToken);
        Remember(state.Settle(image), image.Id);
    }

    /// <summary>The stage's state between steps.</summary>
    private sealed class StageState(BuildRun run, ImageRecord? image, ImageConfigDocument config, string key)
    {
        private readonly List<string> unrecordedKeys = [];

        public BuildRun Run => run;

        /// <summary>The last recorded image (the layers below the next step).</summary>
        public ImageRecord? Image { get; private set; } = image;

        public ImageConfigDocument Config { get; private set; } = config;

        /// <summary>The cache key of the steps so far.</summary>
        public string Key { get; private set; } = key;

        /// <summary>Args the stage declared, with their values.</summary>
        public Dictionary<string, string?> Args { get; } = new(StringComparer.Ordinal);

        /// <summary>True once this stage set CMD (an ENTRYPOINT then keeps it).</summary>
        public bool CmdSet { get; set; }

        /// <summary>The id the state would have as an image: its config's digest.</summary>
        public string CurrentId => Digest.Compute(Config.ToBytes()).ToString();

        public void Advance(string step)
        {
            Key = BuildCache.KeyOf(Key, step);
            unrecordedKeys.Add(Key);
        }

        /// <summary>The step's result came from the cache.</summary>
        public void Adopt(ImageRecord cached, ImageConfigDocument cachedConfig)
        {
            Image = cached;
            Config = cachedConfig;
            unrecordedKeys.Clear();
        }

        /// <summary>An image now holds the steps so far; returns their keys, for the cache.</summary>
        public List<string> Settle(ImageRecord recorded)
        {
            Image = recorded;
            var keys = unrecordedKeys.ToList();
            unrecordedKeys.Clear();
            return keys;
        }

        public string? Lookup(string name)
        {
            if (Config.Lookup(name) is { } env)
            {
                return env;
            }

            return Args.TryGetValue(name, out var value) ? value : null;
        }
    }
}
