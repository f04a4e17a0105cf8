using Minato.Engine.Store;

namespace Minato.Docker;

/// <summary>The Docker door's tables: its part of each Docker container (name, request, restart bookkeeping).</summary>
public static class DockerSchema
{
    /// <summary>Applied after the engine's module.</summary>
    public static readonly SchemaModule Module = new(
        "docker",
        [
            """
            CREATE TABLE docker_containers (
                id       TEXT PRIMARY KEY NOT NULL,
                name_key TEXT NOT NULL UNIQUE,
                document TEXT NOT NULL
            ) STRICT;
            """,
        ]);
}
