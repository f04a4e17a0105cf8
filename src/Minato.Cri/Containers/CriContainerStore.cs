using Minato.Engine.Store;

namespace Minato.Cri.Containers;

/// <summary>The CRI layer's container records (table <c>cri_containers</c>), mirrored in memory.</summary>
public sealed class CriContainerStore : DocumentTable<CriContainer>
{
    private static readonly DocumentSchema<CriContainer> Schema = new(
        "cri_containers",
        "container",
        CriContainerJsonContext.Default.CriContainer,
        c => c.Id,
        c => c.NameKey,
        c => [new("pod_id", c.PodId), new("name_key", c.NameKey)]);

    private CriContainerStore(MetadataStore store)
        : base(store, Schema)
    {
    }

    /// <summary>Loads every stored record.</summary>
    public static CriContainerStore Load(MetadataStore store) => new(store);
}
