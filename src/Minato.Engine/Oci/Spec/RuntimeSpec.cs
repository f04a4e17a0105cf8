using System.Text.Json.Serialization;

namespace Minato.Engine.Oci.Spec;

/// <summary>An OCI runtime bundle's <c>config.json</c> (runtime-spec 1.2, Linux parts only).</summary>
/// <remarks>Null members are left out of the JSON: the spec gives an absent field its own meaning (often "inherit").</remarks>
public sealed record RuntimeSpec
{
    /// <summary>The runtime-spec version this model follows.</summary>
    public const string Version = "1.2.0";

    public string OciVersion { get; init; } = Version;

    public required SpecRoot Root { get; init; }

    public required SpecProcess Process { get; init; }

    public string? Hostname { get; init; }

    public IReadOnlyList<SpecMount>? Mounts { get; init; }

    public required LinuxSpec Linux { get; init; }

    /// <summary>Programs the runtime runs around the container's lifecycle (from CDI specs).</summary>
    public SpecHooks? Hooks { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>The runtime-spec <c>hooks</c> object: each list runs in order at its point of the lifecycle.</summary>
public sealed record SpecHooks
{
    /// <summary>Deprecated by the runtime-spec in favour of the three below, still run by runc and crun.</summary>
    public IReadOnlyList<SpecHook>? Prestart { get; init; }

    public IReadOnlyList<SpecHook>? CreateRuntime { get; init; }

    public IReadOnlyList<SpecHook>? CreateContainer { get; init; }

    public IReadOnlyList<SpecHook>? StartContainer { get; init; }

    public IReadOnlyList<SpecHook>? Poststart { get; init; }

    public IReadOnlyList<SpecHook>? Poststop { get; init; }
}

/// <summary>One hook: an absolute path, its argv and environment, and a timeout in seconds.</summary>
public sealed record SpecHook
{
    public required string Path { get; init; }

    public IReadOnlyList<string>? Args { get; init; }

    public IReadOnlyList<string>? Env { get; init; }

    public int? Timeout { get; init; }
}

/// <summary>The container's root filesystem.</summary>
public sealed record SpecRoot(string Path, bool? Readonly = null);

/// <summary>The container's init process.</summary>
public sealed record SpecProcess
{
    public bool? Terminal { get; init; }

    public required SpecUser User { get; init; }

    public required IReadOnlyList<string> Args { get; init; }

    public IReadOnlyList<string>? Env { get; init; }

    public required string Cwd { get; init; }

    public SpecCapabilities? Capabilities { get; init; }

    public IReadOnlyList<SpecRlimit>? Rlimits { get; init; }

    public bool? NoNewPrivileges { get; init; }

    public string? ApparmorProfile { get; init; }

    public int? OomScoreAdj { get; init; }

    /// <summary>The terminal's initial size, applied by the runtime when it creates the terminal (so no first frame
    /// is drawn at 0x0).</summary>
    public SpecConsoleSize? ConsoleSize { get; init; }
}

/// <summary>A terminal size in character cells.</summary>
public sealed record SpecConsoleSize(uint Height, uint Width);

/// <summary>The ids the process runs as.</summary>
public sealed record SpecUser
{
    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public uint? Umask { get; init; }

    public IReadOnlyList<uint>? AdditionalGids { get; init; }
}

/// <summary>The five capability sets, as <c>CAP_*</c> names.</summary>
public sealed record SpecCapabilities(
    IReadOnlyList<string> Bounding,
    IReadOnlyList<string> Effective,
    IReadOnlyList<string> Inheritable,
    IReadOnlyList<string> Permitted,
    IReadOnlyList<string> Ambient);

/// <summary>One resource limit (setrlimit), e.g. <c>RLIMIT_NOFILE</c>.</summary>
public sealed record SpecRlimit(string Type, ulong Hard, ulong Soft);

/// <summary>One mount in the container's mount namespace.</summary>
public sealed record SpecMount
{
    public required string Destination { get; init; }

    public string? Type { get; init; }

    public string? Source { get; init; }

    public IReadOnlyList<string>? Options { get; init; }
}

/// <summary>Source-generated JSON for <see cref="RuntimeSpec"/>, seccomp profiles and resource updates; names as the runtime-spec spells them.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(RuntimeSpec))]
[JsonSerializable(typeof(LinuxSeccomp))]
[JsonSerializable(typeof(LinuxResources))]
public sealed partial class RuntimeSpecJsonContext : JsonSerializerContext;
