namespace Minato.Engine.Store;

/// <summary>The engine's tables: metadata, images and their content, snapshots, containers, volumes.</summary>
public static class EngineSchema
{
    /// <summary>Applied first: front doors' tables may refer to the engine's.</summary>
    public static readonly SchemaModule Module = new(
        "engine",
        [
            """
            CREATE TABLE IF NOT EXISTS meta (
                key   TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
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
                owner      TEXT NOT NULL,
                phase      TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                document   TEXT NOT NULL
            ) STRICT;
            CREATE INDEX containers_by_owner ON containers (owner);
            """,
            """
            CREATE TABLE volumes (
                id         TEXT PRIMARY KEY NOT NULL,
                created_at INTEGER NOT NULL,
                document   TEXT NOT NULL
            ) STRICT;
            """,
        ]);
}
