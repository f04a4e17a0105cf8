using Minato.Engine.Store;

namespace Minato.Docker.Containers;

/// <summary>The Docker door's container records (table <c>docker_containers</c>), mirrored in memory; names are unique.</summary>
public sealed class DockerContainerStore : DocumentTable<DockerContainer>
{
    private static readonly DocumentSchema<DockerContainer> Schema = new(
        "docker_containers",
        "container",
        DockerContainerJsonContext.Default.DockerContainer,
        c => c.Id,
        c => c.Name,
        c => [new("name_key", c.Name)]);

    private DockerContainerStore(MetadataStore store)
        : base(store, Schema)
    {
    }

    /// <summary>Loads every stored record.</summary>
    public static DockerContainerStore Load(MetadataStore store) => new(store);

    /// <summary>The container named <paramref name="reference"/>: full id, name (with or without <c>/</c>), or unique id prefix.</summary>
    public DockerContainer? Resolve(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Length == 0)
        {
            return null;
        }

        if (Get(reference) is { } exact)
        {
            return exact;
        }

        var name = reference.StartsWith('/') ? reference : "/" + reference;
        return All.FirstOrDefault(c => c.Name == name) ?? Find(reference);
    }
}
