using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Data.Sqlite;
using Minato.Engine.Errors;

namespace Minato.Engine.Store;

/// <summary>How one kind of record maps onto its table: the JSON document plus the columns SQL needs.</summary>
/// <param name="Table">The table (created by a <see cref="SchemaModule"/> step) with <c>id</c> and <c>document</c> columns.</param>
/// <param name="Noun">What a record is, for messages ("container").</param>
/// <param name="TypeInfo">Source-generated JSON metadata of the document.</param>
/// <param name="Id">The record's id.</param>
/// <param name="NameKey">The unique name the <c>name_key</c> column enforces; null for a table without one.</param>
/// <param name="Columns">Values of the other columns, by name (including <c>name_key</c> where there is one).</param>
public sealed record DocumentSchema<T>(
    string Table,
    string Noun,
    JsonTypeInfo<T> TypeInfo,
    Func<T, string> Id,
    Func<T, string>? NameKey,
    Func<T, IReadOnlyList<KeyValuePair<string, object>>> Columns);

/// <summary>Records of one kind as JSON documents in SQLite, mirrored in memory for the kubelet's frequent listings.</summary>
/// <remarks>Every change is written to SQLite first; the memory copy only ever reflects committed rows.</remarks>
public class DocumentTable<T>
    where T : class
{
    private readonly MetadataStore _store;
    private readonly DocumentSchema<T> _schema;
    private readonly ConcurrentDictionary<string, T> _byId = new(StringComparer.Ordinal);

    /// <summary>Loads every stored record of the table.</summary>
    protected DocumentTable(MetadataStore store, DocumentSchema<T> schema)
    {
        _store = store;
        _schema = schema;
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT document FROM {schema.Table};";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var record = JsonSerializer.Deserialize(reader.GetString(0), schema.TypeInfo)!;
            _byId[schema.Id(record)] = record;
        }
    }

    /// <summary>All records, in no particular order.</summary>
    public ICollection<T> All => _byId.Values;

    public T? Get(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Finds by full id or unique prefix; null when none or several match.</summary>
    public T? Find(string idOrPrefix)
    {
        if (_byId.TryGetValue(idOrPrefix, out var exact))
        {
            return exact;
        }

        if (idOrPrefix.Length == 0)
        {
            return null;
        }

        var matches = _byId.Where(p => p.Key.StartsWith(idOrPrefix, StringComparison.Ordinal)).Take(2).ToList();
        return matches.Count == 1 ? matches[0].Value : null;
    }

    /// <summary>Records a new record; fails when another live record has the same name key.</summary>
    /// <exception cref="AlreadyExistsException">The name is taken.</exception>
    public void Insert(T record)
    {
        var columns = _schema.Columns(record);
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO {_schema.Table} (id, {string.Join(", ", columns.Select(c => c.Key))}, document) " +
            $"VALUES ($id, {string.Join(", ", columns.Select((_, i) => $"$c{i}"))}, $doc);";
        Bind(command, record, columns);
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteFull)
        {
            throw _store.Full(_schema.Noun, e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            if (_schema.NameKey is not { } nameKey)
            {
                throw new AlreadyExistsException($"{_schema.Noun} {_schema.Id(record)} already exists", e);
            }

            var name = nameKey(record);
            var owner = _byId.Values.FirstOrDefault(r => nameKey(r) == name);
            throw new AlreadyExistsException(
                $"{_schema.Noun} name {name} is already used by {_schema.Noun} {(owner is null ? "(unknown)" : _schema.Id(owner))}", e);
        }

        _byId[_schema.Id(record)] = record;
    }

    /// <summary>Replaces the stored document (and columns) of an existing record.</summary>
    public T Update(T record)
    {
        var columns = _schema.Columns(record);
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE {_schema.Table} SET {string.Join(", ", columns.Select((c, i) => $"{c.Key} = $c{i}"))}, document = $doc WHERE id = $id;";
        Bind(command, record, columns);
        if (Execute(command) != 1)
        {
            throw new NotFoundException($"{_schema.Noun} {_schema.Id(record)} not found");
        }

        _byId[_schema.Id(record)] = record;
        return record;
    }

    /// <summary>Deletes the record; a missing one is fine (removal is idempotent).</summary>
    public void Delete(string id)
    {
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {_schema.Table} WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        Execute(command);
        _byId.TryRemove(id, out _);
    }

    /// <summary>SQLITE_FULL: the filesystem under the database (or its write-ahead log) has no room.</summary>
    private const int SqliteFull = 13;

    private int Execute(SqliteCommand command)
    {
        try
        {
            return command.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteFull)
        {
            throw _store.Full(_schema.Noun, e);
        }
    }

    private void Bind(SqliteCommand command, T record, IReadOnlyList<KeyValuePair<string, object>> columns)
    {
        command.Parameters.AddWithValue("$id", _schema.Id(record));
        for (var i = 0; i < columns.Count; i++)
        {
            command.Parameters.AddWithValue($"$c{i}", columns[i].Value);
        }

        command.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(record, _schema.TypeInfo));
    }
}
