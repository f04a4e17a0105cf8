using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Minato.Engine.Store;

namespace Minato.Cri;

/// <summary>The CRI layer's tables: pod sandboxes, its part of each container (pod, request), and what UpdateRuntimeConfig set.</summary>
public static class CriSchema
{
    /// <summary>Applied after the engine's module.</summary>
    public static readonly SchemaModule Module = new(
        "cri",
        [
            """
            CREATE TABLE pod_sandboxes (
                id         TEXT PRIMARY KEY NOT NULL,
                name_key   TEXT NOT NULL UNIQUE,
                phase      TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                document   TEXT NOT NULL
            ) STRICT;
            """,
            new SchemaStep(
                """
                CREATE TABLE cri_containers (
                    id       TEXT PRIMARY KEY NOT NULL,
                    pod_id   TEXT NOT NULL,
                    name_key TEXT NOT NULL UNIQUE,
                    document TEXT NOT NULL
                ) STRICT;
                CREATE INDEX cri_containers_by_pod ON cri_containers (pod_id);
                """,
                SplitLegacyContainers),
            """
            CREATE TABLE runtime_config (
                key   TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            ) STRICT;
            """,
        ]);

    /// <summary>
    /// Before the engine had containers of its own, one table held each container's CRI request and its state in one
    /// document. The database's adoption renamed it <c>legacy_containers</c>; here each row becomes the engine's record
    /// (state, with the stdio flags it needs from the request) and the CRI layer's (pod and request), and the old table goes.
    /// </summary>
    private static void SplitLegacyContainers(SqliteConnection connection, SqliteTransaction transaction)
    {
        using (var exists = connection.CreateCommand())
        {
            exists.Transaction = transaction;
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'legacy_containers';";
            if ((long)exists.ExecuteScalar()! == 0)
            {
                return;
            }
        }

        var rows = new List<(string Id, string PodId, string NameKey, string Phase, long CreatedAt, string Document)>();
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT id, pod_id, name_key, phase, created_at, document FROM legacy_containers;";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5)));
            }
        }

        foreach (var row in rows)
        {
            var state = JsonNode.Parse(row.Document)!.AsObject();
            var config = state["config"]!.AsObject();
            state.Remove("config");
            state.Remove("podId");
            state["owner"] = "cri";
            state["name"] = config["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;
            state["tty"] = config["tty"]?.GetValue<bool>() ?? false;
            state["stdin"] = config["stdin"]?.GetValue<bool>() ?? false;
            state["stdinOnce"] = config["stdinOnce"]?.GetValue<bool>() ?? false;
            var entry = new JsonObject { ["id"] = row.Id, ["podId"] = row.PodId, ["config"] = config };
            transaction.Execute("INSERT INTO containers (id, owner, phase, created_at, document) VALUES ($id, 'cri', $phase, $created, $doc);",
                ("$id", row.Id), ("$phase", row.Phase), ("$created", row.CreatedAt), ("$doc", state.ToJsonString()));
            transaction.Execute("INSERT INTO cri_containers (id, pod_id, name_key, document) VALUES ($id, $pod, $name, $doc);",
                ("$id", row.Id), ("$pod", row.PodId), ("$name", row.NameKey), ("$doc", entry.ToJsonString()));
        }

        transaction.Execute("DROP TABLE legacy_containers;");
    }
}
