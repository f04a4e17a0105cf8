using Microsoft.Data.Sqlite;

namespace Minato.Engine.Store;

/// <summary>The one SQLite database that holds all of Minato's metadata.</summary>
/// <remarks>
/// WAL with synchronous=FULL: a committed transaction survives a crash or power loss, which the restart
/// guarantees (pods, containers and images come back as they were) depend on.
/// </remarks>
public sealed class MetadataStore
{
    private readonly string _connectionString;

    private MetadataStore(string path, string connectionString, int schemaVersion)
    {
        Path = path;
        _connectionString = connectionString;
        SchemaVersion = schemaVersion;
    }

    /// <summary>Path of the database file.</summary>
    public string Path { get; }

    /// <summary>Schema version after migration.</summary>
    public int SchemaVersion { get; }

    /// <summary>Opens (creating when missing) and migrates the database at <paramref name="path"/>: the engine's tables,
    /// then those of each front door in <paramref name="modules"/>.</summary>
    /// <exception cref="MetadataStoreException">The file is not a usable Minato database.</exception>
    public static MetadataStore Open(string path, params IReadOnlyList<SchemaModule> modules)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            Configure(connection);
            var version = SchemaMigrations.Apply(connection, path, [EngineSchema.Module, .. modules]);
            return new MetadataStore(path, connectionString, version);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26)
        {
            // SQLITE_CORRUPT / SQLITE_NOTADB: never reset silently, the operator decides.
            throw new MetadataStoreException(
                $"metadata database {path} is corrupt or not a SQLite database ({e.Message}); " +
                "minato will not start on it: restore it from a backup or move it aside to start with empty metadata",
                e);
        }
        catch (SqliteException e)
        {
            throw new MetadataStoreException($"cannot open metadata database {path}: {e.Message}", e);
        }
    }

    /// <summary>Opens a configured connection; the caller disposes it (it returns to the pool).</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Configure(connection);
        return connection;
    }

    /// <summary>The error for a write of a <paramref name="noun"/> record that SQLite refused with SQLITE_FULL: nothing of
    /// it was committed (the transaction rolled back), and the message names the filesystem and its free space.</summary>
    public Errors.StorageLimitException Full(string noun, SqliteException inner)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        string where;
        try
        {
            var space = Linux.FileSystemSpace.Of(directory);
            where = $"{directory} {space.Description.Substring(space.MountPoint.Length).Trim()}, {Linux.FileSystemSpace.Format(space.AvailableBytes)} free";
        }
        catch (Linux.Interop.SyscallException)
        {
            where = directory;
        }

        return new Errors.StorageLimitException(
            $"cannot record the {noun}: no space left on {where} for the metadata database {Path}; nothing of the call was kept, free space and try again",
            inner);
    }

    private static void Configure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText =
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        command.ExecuteNonQuery();
    }
}
