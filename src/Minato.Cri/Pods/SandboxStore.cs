using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Minato.Engine.Errors;
using Minato.Engine.Store;

namespace Minato.Cri.Pods;

/// <summary>Pod sandboxes in the metadata database, mirrored in memory for the kubelet's frequent listings.</summary>
/// <remarks>Every change is written to SQLite first; the memory copy only ever reflects committed rows.</remarks>
public sealed class SandboxStore
{
    private readonly MetadataStore _store;
    private readonly ConcurrentDictionary<string, PodSandbox> _byId = new(StringComparer.Ordinal);

    private SandboxStore(MetadataStore store) => _store = store;

    /// <summary>Loads every stored sandbox.</summary>
    public static SandboxStore Load(MetadataStore store)
    {
        var sandboxes = new SandboxStore(store);
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM pod_sandboxes;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var sandbox = JsonSerializer.Deserialize(reader.GetString(0), SandboxJsonContext.Default.PodSandbox)!;
            sandboxes._byId[sandbox.Id] = sandbox;
        }

        return sandboxes;
    }

    /// <summary>All sandboxes, in no particular order.</summary>
    public ICollection<PodSandbox> All => _byId.Values;

    public PodSandbox? Get(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Finds by full id or unique prefix; null when none or several match.</summary>
    public PodSandbox? Find(string idOrPrefix)
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

    /// <summary>Records a new sandbox; fails when another live sandbox has the same name key.</summary>
    /// <exception cref="AlreadyExistsException">The name is taken.</exception>
    public void Insert(PodSandbox sandbox)
    {
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO pod_sandboxes (id, name_key, phase, created_at, document) VALUES ($id, $name, $phase, $created, $doc);";
        Bind(command, sandbox);
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            var owner = _byId.Values.FirstOrDefault(p => p.Config.Metadata.Key == sandbox.Config.Metadata.Key);
            throw new AlreadyExistsException(
                $"pod sandbox name {sandbox.Config.Metadata.Key} is already used by sandbox {owner?.Id ?? "(unknown)"}", e);
        }

        _byId[sandbox.Id] = sandbox;
    }

    /// <summary>Replaces the stored document of an existing sandbox.</summary>
    public PodSandbox Update(PodSandbox sandbox)
    {
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE pod_sandboxes SET phase = $phase, document = $doc WHERE id = $id;";
        Bind(command, sandbox);
        if (command.ExecuteNonQuery() != 1)
        {
            throw new NotFoundException($"pod sandbox {sandbox.Id} not found");
        }

        _byId[sandbox.Id] = sandbox;
        return sandbox;
    }

    /// <summary>Deletes the record; a missing one is fine (removal is idempotent).</summary>
    public void Delete(string id)
    {
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM pod_sandboxes WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
        _byId.TryRemove(id, out _);
    }

    private static void Bind(SqliteCommand command, PodSandbox sandbox)
    {
        command.Parameters.AddWithValue("$id", sandbox.Id);
        command.Parameters.AddWithValue("$name", sandbox.Config.Metadata.Key);
        command.Parameters.AddWithValue("$phase", sandbox.Phase.ToString());
        command.Parameters.AddWithValue("$created", sandbox.CreatedAt);
        command.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(sandbox, SandboxJsonContext.Default.PodSandbox));
    }
}
