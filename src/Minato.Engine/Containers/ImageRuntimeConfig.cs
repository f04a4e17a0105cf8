namespace Minato.Engine.Containers;

/// <summary>The parts of an image config (OCI image-spec <c>config</c>) that shape a container.</summary>
/// <remarks>Plain values so the spec builder does not depend on how the image store parses configs.</remarks>
public sealed record ImageRuntimeConfig
{
    public static readonly ImageRuntimeConfig Empty = new();

    public IReadOnlyList<string> Entrypoint { get; init; } = [];

    public IReadOnlyList<string> Cmd { get; init; } = [];

    /// <summary><c>KEY=value</c> entries.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    public string WorkingDir { get; init; } = string.Empty;

    /// <summary><c>uid</c>, <c>uid:gid</c>, <c>name</c> or <c>name:group</c>; empty is root.</summary>
    public string User { get; init; } = string.Empty;

    /// <summary>Container paths declared as VOLUME.</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];

    public string StopSignal { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
