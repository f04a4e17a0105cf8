namespace Minato.Testing;

/// <summary>How a test image's layer blobs are compressed.</summary>
public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}

/// <summary>Which family of media types a test image's manifests, configs and layers declare.</summary>
public enum ManifestFormat
{
    /// <summary>OCI image-spec v1 media types.</summary>
    Oci,

    /// <summary>Docker image manifest v2 schema 2 and manifest list media types.</summary>
    DockerSchema2,
}

/// <summary>The media type strings of the OCI image spec and Docker's schema 2.</summary>
public static class MediaTypes
{
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";

    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    public static string Index(ManifestFormat format) => format == ManifestFormat.Oci ? OciIndex : DockerManifestList;

    public static string Manifest(ManifestFormat format) => format == ManifestFormat.Oci ? OciManifest : DockerManifest;

    public static string Config(ManifestFormat format) => format == ManifestFormat.Oci ? OciConfig : DockerConfig;

    /// <summary>The layer media type; Docker's schema 2 has no zstd type, so that combination is refused.</summary>
    public static string Layer(ManifestFormat format, LayerCompression compression) => (format, compression) switch
    {
        (ManifestFormat.Oci, LayerCompression.None) => OciLayer,
        (ManifestFormat.Oci, LayerCompression.Gzip) => OciLayerGzip,
        (ManifestFormat.Oci, LayerCompression.Zstd) => OciLayerZstd,
        (ManifestFormat.DockerSchema2, LayerCompression.None) => DockerLayer,
        (ManifestFormat.DockerSchema2, LayerCompression.Gzip) => DockerLayerGzip,
        _ => throw new ArgumentException($"{format} has no media type for {compression} layers", nameof(compression)),
    };
}
