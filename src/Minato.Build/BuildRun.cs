using Minato.Build.Context;
using Minato.Build.Dockerfile;
using Minato.Engine.Images.Store;

namespace Minato.Build;

/// <summary>One build in progress: its inputs, the stages done so far and its counters.</summary>
internal sealed class BuildRun(string contextDirectory, BuildOptions options, DockerfileDocument document, DockerIgnore ignore, StepOutput output)
{
    public string ContextDirectory => contextDirectory;

    public BuildOptions Options => options;

    public DockerfileDocument Document => document;

    public DockerIgnore Ignore => ignore;

    public StepOutput Output => output;

    public Dictionary<int, StageResult> Results { get; } = [];

    /// <summary>Build args some ARG declared.</summary>
    public HashSet<string> Consumed { get; } = new(StringComparer.Ordinal);

    public int TotalSteps { get; set; }

    public int Step { get; set; }

    public int StepsRun { get; set; }

    public int StepsCached { get; set; }

    /// <summary>The global ARGs with their values (defaults, overridden by build args).</summary>
    public string? MetaArg(string name)
    {
        string? value = null;
        var declared = false;
        foreach (var arg in document.GlobalArgs.SelectMany(a => a.Args).Where(a => a.Key == name))
        {
            declared = true;
            value = arg.Value;
        }

        if (!declared)
        {
            return null;
        }

        Consumed.Add(name);
        return options.BuildArgs.TryGetValue(name, out var given) && given is not null ? given : value;
    }

    public string ExpandMeta(string word) => ShellWords.Expand(word, MetaArg, document.Escape);
}

/// <summary>What a stage produced: its image (recorded in the store) and that image's config.</summary>
internal sealed record StageResult(ImageRecord? Image, ImageConfigDocument Config);

/// <summary>The classic builder's progress text; nothing in quiet mode.</summary>
internal sealed class StepOutput(IBuildOutput output, bool quiet)
{
    private readonly Queue<string> tail = new();

    public async ValueTask WriteAsync(string text, CancellationToken cancellationToken)
    {
        // Quiet: the caller reports the id alone (the Docker API in its aux message).
        if (!quiet)
        {
            await output.WriteAsync(text, cancellationToken);
        }
    }

    /// <summary>Passes RUN output on and keeps its last lines for the error.</summary>
    public async ValueTask RunOutputAsync(string line, CancellationToken cancellationToken)
    {
        tail.Enqueue(line);
        while (tail.Count > 20)
        {
            tail.Dequeue();
        }

        await WriteAsync(line + "\n", cancellationToken);
    }

    public IReadOnlyList<string> TakeTail()
    {
        var lines = tail.ToList();
        tail.Clear();
        return lines;
    }
}
