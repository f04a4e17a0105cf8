using System.Text.Json.Serialization;

namespace Minato.Engine.Devices.Cdi;

/// <summary>One CDI spec file as written (CDI 0.3.0 to 1.0.0): a kind, its devices and the edits every device of it
/// brings. Field names follow the CDI specification; an unknown field makes the file invalid, as CDI requires.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CdiSpec
{
    [JsonPropertyName("cdiVersion")]
    public string? Version { get; init; }

    public string? Kind { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public IReadOnlyList<CdiDevice>? Devices { get; init; }

    /// <summary>Applied once to a container that gets any device of this spec.</summary>
    public CdiContainerEdits? ContainerEdits { get; init; }
}

/// <summary>A device a spec offers: its name within the kind and the edits it brings.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CdiDevice
{
    public string? Name { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public CdiContainerEdits? ContainerEdits { get; init; }
}

/// <summary>Changes to a container's OCI spec (CDI <c>containerEdits</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CdiContainerEdits
{
    /// <summary><c>NAME=value</c> entries added to the process environment.</summary>
    public IReadOnlyList<string>? Env { get; init; }

    public IReadOnlyList<CdiDeviceNode>? DeviceNodes { get; init; }

    public IReadOnlyList<CdiHook>? Hooks { get; init; }

    public IReadOnlyList<CdiMount>? Mounts { get; init; }

    /// <summary>resctrl settings (CDI 0.7.0).</summary>
    public CdiIntelRdt? IntelRdt { get; init; }

    /// <summary>Supplementary groups added to the process (CDI 0.7.0); 0 is ignored.</summary>
    [JsonPropertyName("additionalGids")]
    public IReadOnlyList<uint>? AdditionalGids { get; init; }

    /// <summary>True when the edits change nothing.</summary>
    [JsonIgnore]
    public bool IsEmpty =>
        (Env?.Count ?? 0) == 0 && (DeviceNodes?.Count ?? 0) == 0 && (Hooks?.Count ?? 0) == 0 && (Mounts?.Count ?? 0) == 0 &&
        IntelRdt is null && (AdditionalGids?.Count ?? 0) == 0;
}

/// <summary>A device node created in the container; type and numbers are read from the host node when absent.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CdiDeviceNode
{
    /// <summary>The path in the container.</summary>
    public string? Path { get; init; }

    /// <summary>The host node (CDI 0.5.0); <see cref="Path"/> when absent.</summary>
    public string? HostPath { get; init; }

    /// <summary><c>c</c>, <c>b</c>, <c>u</c> or <c>p</c>.</summary>
    public string? Type { get; init; }

    public long Major { get; init; }

    public long Minor { get; init; }

    public uint? FileMode { get; init; }

    /// <summary>cgroup access, a combination of r, w and m; empty is <c>rwm</c>, <c>none</c> is no access.</summary>
    public string? Permissions { get; init; }

    public uint? Uid { get; init; }

    public uint? Gid { get; init; }
}

/// <summary>A mount added to the container.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CdiMount
{
    public string? HostPath { get; init; }

    public string? ContainerPath { get; init; }

    public IReadOnlyList<string>? Options { get; init; }

    /// <summary>The filesystem type (CDI 0.4.0).</summary>
    public string? Type { get; init; }
}

/// <summary>An OCI hook added to the container.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CdiHook
{
    /// <summary>prestart, createRuntime, createContainer, startContainer, poststart or poststop.</summary>
    public string? HookName { get; init; }

    public string? Path { get; init; }

    public IReadOnlyList<string>? Args { get; init; }

    public IReadOnlyList<string>? Env { get; init; }

    public int? Timeout { get; init; }
}

/// <summary>Intel RDT (resctrl) settings for the container.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CdiIntelRdt
{
    [JsonPropertyName("closID")]
    public string? ClosId { get; init; }

    public string? L3CacheSchema { get; init; }

    public string? MemBwSchema { get; init; }

    [JsonPropertyName("enableCMT")]
    public bool EnableCmt { get; init; }

    [JsonPropertyName("enableMBM")]
    public bool EnableMbm { get; init; }
}

/// <summary>Source-generated JSON for <see cref="CdiSpec"/>. Names match case-insensitively, as CDI's own (Go) loader
/// matches them, so <c>additionalGIDs</c> and <c>additionalGids</c> both work.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    MaxDepth = 16)]
[JsonSerializable(typeof(CdiSpec))]
internal sealed partial class CdiSpecJsonContext : JsonSerializerContext;
