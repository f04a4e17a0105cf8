using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Minato.Engine.Store;

/// <summary>Brings the metadata database to this build's schema: each layer's <see cref="SchemaModule"/> in order,
/// its version kept in the <c>schema_versions</c> table.</summary>
/// <remarks>
/// <c>PRAGMA user_version</c> holds the database's format. Versions 1 to 4 were one list of steps for every layer
/// (meta, pod sandboxes, images, containers); such a database is adopted once: each module is credited with the
/// steps it already has, and the old combined <c>containers</c> table is renamed <c>legacy_containers</c> for the
/// module that owns its rows (the CRI layer) to split. A minato older than this format sees a version it does not
/// know and refuses to start rather than misread the tables.
/// </remarks>
public static class SchemaMigrations
{
    /// <summary>The format with per-module versions.</summary>
    public const int LatestVersion = 5;

    /// <summary>Migrates every module; returns the format version after migration.</summary>
    /// <exception cref="MetadataStoreException">The database or one of its modules is newer than this build.</exception>
    public static int Apply(SqliteConnection connection, string path, IReadOnlyList<SchemaModule> modules)
    {
        var format = ReadVersion(connection);
        if (format > LatestVersion)
        {
            throw Newer(path, $"schema version {format}", LatestVersion);
        }

        if (format < LatestVersion)
        {
            using var transaction = connection.BeginTransaction();
            transaction.Execute("CREATE TABLE schema_versions (module TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL) STRICT;");
            foreach (var (module, version) in Adopted(format))
            {
                SetVersion(connection, transaction, module, version);
            }

            if (format >= 4)
            {
                transaction.Execute("ALTER TABLE containers RENAME TO legacy_containers;");
            }

            transaction.Execute($"PRAGMA user_version = {LatestVersion};");
            transaction.Commit();
        }

        foreach (var module in modules)
        {
            Migrate(connection, path, module);
        }

        return LatestVersion;
    }

    /// <summary>The format version (<c>PRAGMA user_version</c>).</summary>
    public static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The version of <paramref name="module"/>; 0 when it has none yet.</summary>
    public static int ReadVersion(SqliteConnection connection, string module)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_versions WHERE module = $m;";
        command.Parameters.AddWithValue("$m", module);
        return command.ExecuteScalar() is long version ? (int)version : 0;
    }

    /// <summary>What a database of the old single list already has, per module (old steps: 1 meta, 2 pod sandboxes,
    /// 3 images, 4 containers).</summary>
    private static IEnumerable<(string Module, int Version)> Adopted(int format) => format switch
    {
        0 => [],
        1 => [("engine", 1)],
        2 => [("engine", 1), ("cri", 1)],
        _ => [("engine", 2), ("cri", 1)],
    };

    private static void Migrate(SqliteConnection connection, string path, SchemaModule module)
    {
        var current = ReadVersion(connection, module.Name);
        if (current > module.LatestVersion)
        {
            throw Newer(path, $"{module.Name} schema version {current}", module.LatestVersion);
        }

        for (var version = current + 1; version <= module.LatestVersion; version++)
        {
            using var transaction = connection.BeginTransaction();
            var step = module.Steps[version - 1];
            if (step.Sql.Length > 0)
            {
                transaction.Execute(step.Sql);
            }

            step.Code?.Invoke(connection, transaction);
            SetVersion(connection, transaction, module.Name, version);
            transaction.Commit();
        }
    }

    private static void SetVersion(SqliteConnection connection, SqliteTransaction transaction, string module, int version)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO schema_versions (module, version) VALUES ($m, $v) ON CONFLICT (module) DO UPDATE SET version = $v;";
        command.Parameters.AddWithValue("$m", module);
        command.Parameters.AddWithValue("$v", version);
        command.ExecuteNonQuery();
    }

    private static MetadataStoreException Newer(string path, string what, int latest) => new(
        $"metadata database {path} has {what}, newer than this minato understands ({latest}); " +
        "it was written by a newer minato: run that version, or restore a backup");
}
