using Minato.Engine.Store;

namespace Minato.Cri.Containers;

/// <summary>Containers in the metadata database (table <c>containers</c>), mirrored in memory.</summary>
public sealed class ContainerStore : DocumentTable<ContainerRecord>
{
    private static readonly DocumentSchema<ContainerRecord> Schema = new(
        "containers",
        "container",
        ContainerJsonContext.Default.ContainerRecord,
        c => c.Id,
        c => c.NameKey,
        c => [new("pod_id", c.PodId), new("name_key", c.NameKey), new("phase", c.Phase.ToString()), new("created_at", c.CreatedAt)]);

    private ContainerStore(MetadataStore store)
        : base(store, Schema)
    {
    }

    /// <summary>Loads every stored container.</summary>
    public static ContainerStore Load(MetadataStore store) => new(store);
}
