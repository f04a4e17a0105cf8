using Minato.Engine.Store;

namespace Minato.Engine.Containers;

/// <summary>Containers in the metadata database (the engine's table <c>containers</c>), mirrored in memory.</summary>
public sealed class ContainerStore : DocumentTable<ContainerRecord>
{
    private static readonly DocumentSchema<ContainerRecord> Schema = new(
        "containers",
        "container",
        ContainerJsonContext.Default.ContainerRecord,
        c => c.Id,
        NameKey: null,
        c => [new("owner", c.Owner), new("phase", c.Phase.ToString()), new("created_at", c.CreatedAt)]);

    private ContainerStore(MetadataStore store)
        : base(store, Schema)
    {
    }

    /// <summary>Loads every stored container.</summary>
    public static ContainerStore Load(MetadataStore store) => new(store);
}
