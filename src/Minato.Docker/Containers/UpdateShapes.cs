using System.Text.Json.Serialization;

namespace Minato.Docker.Containers;

/// <summary>The body of <c>POST /containers/{id}/update</c>: Docker's resources (0 leaves a value as it is) and the
/// restart policy.</summary>
public sealed record ContainerUpdateRequest
{
    public long Memory { get; init; }

    public long MemorySwap { get; init; }

    public long MemoryReservation { get; init; }

    public long KernelMemory { get; init; }

    public long NanoCpus { get; init; }

    public long CpuShares { get; init; }

    public long CpuQuota { get; init; }

    public long CpuPeriod { get; init; }

    public string? CpusetCpus { get; init; }

    public string? CpusetMems { get; init; }

    public int BlkioWeight { get; init; }

    /// <summary>Absent leaves the limit; 0 or -1 removes it.</summary>
    public long? PidsLimit { get; init; }

    public RestartPolicy? RestartPolicy { get; init; }
}

/// <summary>The answer of an update.</summary>
public sealed record ContainerUpdateResponse(IReadOnlyList<string> Warnings);

/// <summary>One entry of <c>GET /containers/{id}/changes</c>: Kind 0 modified, 1 added, 2 deleted.</summary>
public sealed record ContainerChangeItem(string Path, int Kind);

/// <summary>The stat of a path in a container, sent base64-encoded in <c>X-Docker-Container-Path-Stat</c>.</summary>
/// <param name="Name">The base name.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Mode">Go's <c>os.FileMode</c> bits: permissions plus type flags (directory 1&lt;&lt;31, symlink 1&lt;&lt;27, ...).</param>
/// <param name="Mtime">Modification time (RFC 3339).</param>
/// <param name="LinkTarget">For a symlink, the path it resolves to in the container.</param>
public sealed record ContainerPathStat(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("mode")] uint Mode,
    [property: JsonPropertyName("mtime")] DateTimeOffset Mtime,
    [property: JsonPropertyName("linkTarget")] string LinkTarget);

/// <summary>Source-generated JSON for update, changes and archive shapes (Docker's names).</summary>
[JsonSerializable(typeof(ContainerUpdateRequest))]
[JsonSerializable(typeof(ContainerUpdateResponse))]
[JsonSerializable(typeof(List<ContainerChangeItem>))]
[JsonSerializable(typeof(ContainerPathStat))]
public sealed partial class ContainerDataJson : JsonSerializerContext;
