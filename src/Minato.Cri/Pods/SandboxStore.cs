using Minato.Engine.Store;

namespace Minato.Cri.Pods;

/// <summary>Pod sandboxes in the metadata database (table <c>pod_sandboxes</c>), mirrored in memory.</summary>
public sealed class SandboxStore : DocumentTable<PodSandbox>
{
    private static readonly DocumentSchema<PodSandbox> Schema = new(
        "pod_sandboxes",
        "pod sandbox",
        SandboxJsonContext.Default.PodSandbox,
        p => p.Id,
        p => p.Config.Metadata.Key,
        p => [new("name_key", p.Config.Metadata.Key), new("phase", p.Phase.ToString()), new("created_at", p.CreatedAt)]);

    private SandboxStore(MetadataStore store)
        : base(store, Schema)
    {
    }

    /// <summary>Loads every stored sandbox.</summary>
    public static SandboxStore Load(MetadataStore store) => new(store);
}
