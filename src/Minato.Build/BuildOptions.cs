namespace Minato.Build;

/// <summary>What a build is asked for: the classic builder's options (<c>docker build</c>, <c>minato build</c>).</summary>
public sealed record BuildOptions
{
    /// <summary>The Dockerfile, relative to the context directory.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary>Names given to the result.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary><c>--build-arg</c> values; a null value takes the variable from nowhere (Docker reads the client's env).</summary>
    public IReadOnlyDictionary<string, string?> BuildArgs { get; init; } = new Dictionary<string, string?>();

    /// <summary>The stage to stop at; null for the last.</summary>
    public string? Target { get; init; }

    public bool NoCache { get; init; }

    /// <summary>Pull every base image even when stored.</summary>
    public bool Pull { get; init; }

    /// <summary>Labels added to the final image.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>RUN's network: <c>default</c>, <c>bridge</c>, <c>none</c> or <c>host</c>.</summary>
    public string NetworkMode { get; init; } = "default";

    /// <summary>Remove intermediate containers after a successful step (they are always removed here; this only
    /// controls the message).</summary>
    public bool Remove { get; init; } = true;

    /// <summary>Remove intermediate containers after a failed step too (always done here).</summary>
    public bool ForceRemove { get; init; }

    /// <summary>Print only the image id.</summary>
    public bool Quiet { get; init; }
}

/// <summary>Where a build's progress text goes, exactly as the classic builder streams it.</summary>
public interface IBuildOutput
{
    ValueTask WriteAsync(string text, CancellationToken cancellationToken);
}

/// <summary>A finished build: the image id (<c>sha256:...</c>) and the names it got.</summary>
public sealed record BuildResult(string ImageId, IReadOnlyList<string> Tags);
