using System.Globalization;
using Microsoft.Extensions.Logging;
using Minato.Build.Context;
using Minato.Build.Dockerfile;
using Minato.Engine.Containers;
using Minato.Engine.Images;
using Minato.Engine.Images.Build;
using Minato.Engine.Images.Pull;
using Minato.Engine.Images.Store;
using Minato.Engine.Linux;
using Minato.Engine.Network.Bridges;

namespace Minato.Build;

/// <summary>What the builder needs from the node: the runtime to run RUN steps with and how cgroups are named.</summary>
/// <param name="RuntimeHandler">The OCI runtime handler RUN containers use.</param>
/// <param name="CgroupV2">True on a unified hierarchy (the spec gets a cgroup namespace).</param>
/// <param name="SystemdCgroups">True with the systemd cgroup driver.</param>
public sealed record BuildSettings(string RuntimeHandler, bool CgroupV2, bool SystemdCgroups);

/// <summary>Builds images from a Dockerfile and a context directory with the classic builder's semantics: each RUN in a
/// container on the engine, COPY and ADD written straight into a mounted rootfs, every layer recorded in the shared image
/// store (so either door can run the result at once), and a step cache keyed by parent, instruction and content.</summary>
public sealed partial class ImageBuilder(
    ImageStore images, ImagePuller puller, ImageRecorder recorder, ContainerService containers, BridgeNetworks bridges, BuildCache cache,
    BuildSettings settings, TimeProvider time, ILogger<ImageBuilder> logger)
{
    /// <summary>The owner recorded on RUN and COPY containers; none survives a build.</summary>
    public const string Owner = "build";

    /// <summary>Largest Dockerfile or .dockerignore read.</summary>
    private const int MaxDockerfileBytes = 1 << 20;

    private static readonly string[] ProxyArgs =
        ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"];

    /// <summary>Builds the image <paramref name="options"/> describe from <paramref name="contextDirectory"/>.</summary>
    /// <exception cref="DockerfileSyntaxException">The Dockerfile does not parse.</exception>
    /// <exception cref="BuildFailedException">A step failed.</exception>
    public async Task<BuildResult> BuildAsync(string contextDirectory, BuildOptions options, IBuildOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var (dockerfileText, ignoreText) = ReadInputs(contextDirectory, options.Dockerfile);
        var document = DockerfileParser.Parse(dockerfileText);
        if (document.Stages.Count == 0)
        {
            throw new BuildFailedException("the Dockerfile has no FROM instruction");
        }

        var ignore = ignoreText is null ? DockerIgnore.Empty : DockerIgnore.Parse(ignoreText);
        var run = new BuildRun(contextDirectory, options, document, ignore, new StepOutput(output, options.Quiet));
        foreach (var warning in document.Warnings)
        {
            await run.Output.WriteAsync($"[Warning] {warning}\n", cancellationToken);
        }

        var target = TargetIndex(document, options.Target);
        var needed = NeededStages(document, target, run);
        var stages = document.Stages.Where(s => needed.Contains(s.Index)).ToList();
        run.TotalSteps = document.GlobalArgs.Count + stages.Sum(s => s.Instructions.Count + 1) + (options.Labels.Count > 0 ? 1 : 0);

        // The classic builder counts and prints the ARGs before the first FROM as steps of their own.
        foreach (var arg in document.GlobalArgs)
        {
            await StepHeaderAsync(run, arg, cancellationToken);
        }

        StageResult? last = null;
        foreach (var stage in stages)
        {
            var extra = stage.Index == target && options.Labels.Count > 0 ? LabelsStep(options.Labels) : null;
            last = await BuildStageAsync(run, stage, extra, cancellationToken);
            run.Results[stage.Index] = last;
        }

        var image = last!.Image!;
        var unused = options.BuildArgs.Keys.Where(k => !run.Consumed.Contains(k) && !ProxyArgs.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
        {
            await run.Output.WriteAsync($"[Warning] One or more build-args [{string.Join(' ', unused)}] were not consumed\n", cancellationToken);
        }

        await run.Output.WriteAsync($"Successfully built {Short(image.Id)}\n", cancellationToken);
        var tags = new List<string>();
        foreach (var tag in options.Tags)
        {
            var reference = ImageReference.Parse(tag);
            await images.TagAsync(image.Id, reference.ToString(), cancellationToken);
            var shown = reference.Tag is null && reference.Digest is null ? tag + ":latest" : tag;
            tags.Add(reference.ToString());
            await run.Output.WriteAsync($"Successfully tagged {shown}\n", cancellationToken);
        }

        BuildLog.Built(logger, image.Id, tags, run.StepsRun, run.StepsCached);
        return new BuildResult(image.Id, tags);
    }

    /// <summary>Removes every image only the build cache refers to (no name, no container); returns the bytes freed.</summary>
    public async Task<long> PruneCacheAsync(bool all, CancellationToken cancellationToken)
    {
        long reclaimed = 0;
        foreach (var id in cache.ImageIds())
        {
            if (images.Find(id) is not { } image)
            {
                cache.Forget(id);
                continue;
            }

            if ((image.RepoTags.Count > 0 && !all) || containers.ContainersUsing(id).Count > 0)
            {
                continue;
            }

            if (image.RepoTags.Count == 0 && await images.RemoveAsync(id, cancellationToken))
            {
                reclaimed += image.Size;
            }

            cache.Forget(id);
        }

        return reclaimed;
    }

    /// <summary>Removes the RUN and COPY containers a killed daemon left; called at start-up after the engine's recovery.</summary>
    public async Task RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        foreach (var container in containers.List(Owner))
        {
            try
            {
                await bridges.DetachAsync(container.Id, cancellationToken);
            }
            catch (Engine.Network.CniException e)
            {
                // Kept, endpoint and all, so the next start-up tries the DEL again rather than leak the address.
                BuildLog.RemoveFailed(logger, container.Id, e.Message);
                continue;
            }

            await containers.RemoveAsync(container.Id, cancellationToken);
        }
    }

    internal static string Short(string id) => id[(id.IndexOf(':', StringComparison.Ordinal) + 1)..][..12];

    private static (string Dockerfile, string? Ignore) ReadInputs(string contextDirectory, string dockerfile)
    {
        using var root = RootedDirectory.Open(contextDirectory);
        var name = dockerfile.Replace('\\', '/').TrimStart('/');
        if (name.Length == 0 || name.Split('/').Any(p => p is ".." or ""))
        {
            throw new BuildFailedException($"the Dockerfile path \"{dockerfile}\" must name a file inside the build context");
        }

        var text = ReadText(root, name) ?? throw new BuildFailedException(
            $"Cannot locate specified Dockerfile: {dockerfile}");
        return (text, ReadText(root, ".dockerignore"));
    }

    private static string? ReadText(RootedDirectory root, string path)
    {
        if (root.GetStatus(path) is not { IsRegularFile: true } status)
        {
            return null;
        }

        if (status.Size > MaxDockerfileBytes)
        {
            throw new BuildFailedException($"{path} is larger than {MaxDockerfileBytes} bytes");
        }

        using var handle = root.OpenRegularFileForReading(path);
        using var stream = new FileStream(handle, FileAccess.Read);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static int TargetIndex(DockerfileDocument document, string? target)
    {
        if (string.IsNullOrEmpty(target))
        {
            return document.Stages.Count - 1;
        }

        var name = target.ToLowerInvariant();
        return document.Stages.FirstOrDefault(s => s.Name == name)?.Index
            ?? throw new BuildFailedException($"failed to reach build target {target} in Dockerfile");
    }

    /// <summary>The target and every stage it reaches through FROM or COPY --from, as the target needs them.</summary>
    private static HashSet<int> NeededStages(DockerfileDocument document, int target, BuildRun run)
    {
        var needed = new HashSet<int>();
        var pending = new Stack<int>([target]);
        while (pending.TryPop(out var index))
        {
            if (!needed.Add(index))
            {
                continue;
            }

            var stage = document.Stages[index];
            var references = stage.Instructions.OfType<CopyInstruction>().Select(c => c.From).Append(run.ExpandMeta(stage.From.Image));
            foreach (var reference in references)
            {
                if (reference is not null && StageIndex(document, reference, index) is { } found)
                {
                    pending.Push(found);
                }
            }
        }

        return needed;
    }

    /// <summary>The earlier stage <paramref name="reference"/> names (its name or index), or null for an image.</summary>
    private static int? StageIndex(DockerfileDocument document, string reference, int before)
    {
        var name = reference.ToLowerInvariant();
        foreach (var stage in document.Stages.Take(before))
        {
            if (stage.Name == name || stage.Index.ToString(CultureInfo.InvariantCulture) == name)
            {
                return stage.Index;
            }
        }

        return null;
    }

    private static LabelInstruction LabelsStep(IReadOnlyDictionary<string, string> labels)
    {
        var pairs = labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToList();
        var text = "LABEL " + string.Join(' ', pairs.Select(p => $"{p.Key}={Quote(p.Value)}"));
        return new LabelInstruction(0, text, pairs);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Log messages of the builder.</summary>
    private static partial class BuildLog
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "built image {Digest} as {Image}: {Run} steps run, {Cached} from cache")]
        public static partial void Built(ILogger logger, string digest, IReadOnlyList<string> image, int run, int cached);

        [LoggerMessage(Level = LogLevel.Warning, Message = "build container {ContainerId} not removed: {Reason}")]
        public static partial void RemoveFailed(ILogger logger, string containerId, string reason);
    }
}
