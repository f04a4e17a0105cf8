using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Minato.Engine.Errors;
using Minato.Engine.Store;


namespace Minato.Cri.Containers;

/// <summary>Containers in the metadata database, mirrored in memory for the kubelet's frequent listings.</summary>
/// <remarks>Every change is written to SQLite first; the memory copy only ever reflects committed rows.</remarks>
public sealed class ContainerStore
{
    private readonly MetadataStore _store;
    private readonly ConcurrentDictionary<string, ContainerRecord> _byId = new(StringComparer.Ordinal);

    private ContainerStore(MetadataStore store) => _store = store;

    /// <summary>Loads every stored container.</summary>
    public static ContainerStore Load(MetadataStore store)
    {
        var containers = new ContainerStore(store);
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM containers;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var container = JsonSerializer.Deserialize(reader.GetString(0), ContainerJsonContext.Default.ContainerRecord)!;
            containers._byId[container.Id] = container;
        }

        return containers;
    }

    /// <summary>All containers, in no particular order.</summary>
    public ICollection<ContainerRecord> All => _byId.Values;

    public ContainerRecord? Get(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Finds by full id or unique prefix; null when none or several match.</summary>
    public ContainerRecord? Find(string idOrPrefix)
    {
        if (_byId.TryGetValue(idOrPrefix, out var exact))
        {
            return exact;
        }

        if (idOrPrefix.Length == 0)
        {
            return null;
        }

        var matches = _byId.Values.Where(p => p.Id.StartsWith(idOrPrefix, StringComparison.Ordinal)).Take(2).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>Records a new container; fails when another live container has the same name key.</summary>
    /// <exception cref="AlreadyExistsException">The name is taken.</exception>
    public void Insert(ContainerRecord container)
    {
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO containers (id, pod_id, name_key, phase, created_at, document) VALUES ($id, $pod, $name, $phase, $created, $doc);";
        Bind(command, container);
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            var owner = _byId.Values.FirstOrDefault(p => p.NameKey == container.NameKey);
            throw new AlreadyExistsException(
                $"container name {container.NameKey} is already used by container {owner?.Id ?? "(unknown)"}", e);
        }

        _byId[container.Id] = container;
    }

    /// <summary>Replaces the stored document of an existing container.</summary>
    public ContainerRecord Update(ContainerRecord container)
    {
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE containers SET phase = $phase, document = $doc WHERE id = $id;";
        Bind(command, container);
        if (command.ExecuteNonQuery() != 1)
        {
            throw new NotFoundException($"container {container.Id} not found");
        }

        _byId[container.Id] = container;
        return container;
    }

    /// <summary>Deletes the record; a missing one is fine (removal is idempotent).</summary>
    public void Delete(string id)
    {
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM containers WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
        _byId.TryRemove(id, out _);
    }

    private static void Bind(SqliteCommand command, ContainerRecord container)
    {
        command.Parameters.AddWithValue("$id", container.Id);
        command.Parameters.AddWithValue("$pod", container.PodId);
        command.Parameters.AddWithValue("$name", container.NameKey);
        command.Parameters.AddWithValue("$phase", container.Phase.ToString());
        command.Parameters.AddWithValue("$created", container.CreatedAt);
        command.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(container, ContainerJsonContext.Default.ContainerRecord));
    }
}
