namespace Minato.Testing;

/// <summary>An OCI content descriptor: what a blob is, its digest and size, and for index entries its platform.</summary>
public sealed record OciDescriptor(string MediaType, string Digest, long Size)
{
    public Platform? Platform { get; init; }

    /// <summary>The hex part of <see cref="Digest"/>, the blob's file name under <c>blobs/sha256</c>.</summary>
    public string Hex => Digest["sha256:".Length..];
}

/// <summary>The platform an image manifest is built for, as an index names it.</summary>
public sealed record Platform(string Architecture, string Os, string? Variant = null)
{
    public static readonly Platform LinuxAmd64 = new("amd64", "linux");
    public static readonly Platform LinuxArm64 = new("arm64", "linux", "v8");

    /// <summary>A platform no runtime can run, as build tools use for attestation manifests.</summary>
    public static readonly Platform Unknown = new("unknown", "unknown");

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
