using Microsoft.Data.Sqlite;

namespace Minato.Engine.Store;

/// <summary>The ordered schema changes of the metadata database, tracked in <c>PRAGMA user_version</c>.</summary>
internal static class SchemaMigrations
{
    /// <summary>Step N (1-based) moves the schema from version N-1 to N. Never edit a released step; add one.</summary>
    internal static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) STRICT;
        """,
        """
        CREATE TABLE pod_sandboxes (
            id         TEXT PRIMARY KEY NOT NULL,
            name_key   TEXT NOT NULL UNIQUE,
            phase      TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            document   TEXT NOT NULL
        ) STRICT;
        """,
        """
        CREATE TABLE images (
            id         TEXT PRIMARY KEY NOT NULL,
            created_at INTEGER NOT NULL,
            document   TEXT NOT NULL
        ) STRICT;
        CREATE TABLE image_names (
            name     TEXT PRIMARY KEY NOT NULL,
            image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
            kind     TEXT NOT NULL
        ) STRICT;
        CREATE INDEX image_names_by_image ON image_names (image_id);
        CREATE TABLE snapshots (
            name       TEXT PRIMARY KEY NOT NULL,
            diff_id    TEXT NOT NULL,
            bytes      INTEGER NOT NULL,
            inodes     INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE image_snapshots (
            image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
            snapshot TEXT NOT NULL REFERENCES snapshots (name),
            PRIMARY KEY (image_id, snapshot)
        ) STRICT;
        CREATE INDEX image_snapshots_by_snapshot ON image_snapshots (snapshot);
        CREATE TABLE image_blobs (
            image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
            digest   TEXT NOT NULL,
            PRIMARY KEY (image_id, digest)
        ) STRICT;
        CREATE INDEX image_blobs_by_digest ON image_blobs (digest);
        """,
        """
        CREATE TABLE containers (
            id         TEXT PRIMARY KEY NOT NULL,
            pod_id     TEXT NOT NULL,
            name_key   TEXT NOT NULL UNIQUE,
            phase      TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            document   TEXT NOT NULL
        ) STRICT;
        CREATE INDEX containers_by_pod ON containers (pod_id);
        """,
    ];

    /// <summary>The schema version this build writes.</summary>
    internal static int LatestVersion => Steps.Count;

    /// <summary>Brings the schema to <see cref="LatestVersion"/>, each step in its own transaction.</summary>
    /// <returns>The schema version after migration.</returns>
    internal static int Apply(SqliteConnection connection, string path)
    {
        var current = ReadVersion(connection);
        if (current > LatestVersion)
        {
            throw new MetadataStoreException(
                $"metadata database {path} has schema version {current}, newer than this minato understands " +
                $"({LatestVersion}); it was written by a newer minato: run that version, or restore a backup");
        }

        for (var version = current + 1; version <= LatestVersion; version++)
        {
            using var transaction = connection.BeginTransaction();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = Steps[version - 1] + $"\nPRAGMA user_version = {version};";
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return LatestVersion;
    }

    internal static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
