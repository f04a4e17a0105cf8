using Minato.Engine.Store;

namespace Minato.Engine.Volumes;

/// <summary>Volumes in the metadata database (the engine's table <c>volumes</c>), mirrored in memory.</summary>
public sealed class VolumeStore : DocumentTable<VolumeRecord>
{
    private static readonly DocumentSchema<VolumeRecord> Schema = new(
        "volumes",
        "volume",
        VolumeJsonContext.Default.VolumeRecord,
        v => v.Name,
        NameKey: null,
        v => [new("created_at", v.CreatedAt)]);

    private VolumeStore(MetadataStore store)
        : base(store, Schema)
    {
    }

    /// <summary>Loads every stored volume.</summary>
    public static VolumeStore Load(MetadataStore store) => new(store);
}
