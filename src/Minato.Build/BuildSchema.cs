using Minato.Engine.Store;

namespace Minato.Build;

/// <summary>The builder's table: which image a build step's cache key produced.</summary>
public static class BuildSchema
{
    /// <summary>Applied after the engine's module.</summary>
    public static readonly SchemaModule Module = new(
        "build",
        [
            """
            CREATE TABLE build_cache (
                key        TEXT PRIMARY KEY NOT NULL,
                image_id   TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT;
            """,
        ]);
}
