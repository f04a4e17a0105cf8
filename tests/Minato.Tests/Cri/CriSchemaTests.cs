using Microsoft.Data.Sqlite;
using Minato.Cri;
using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Engine.Containers;
using Minato.Engine.Store;

namespace Minato.Tests.Cri;

public sealed class CriSchemaTests : IDisposable
{
    /// <summary>The tables of the single-list schema (versions 1 to 4) as earlier minato releases made them.</summary>
    private const string LegacySchema = """
        CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;
        CREATE TABLE pod_sandboxes (id TEXT PRIMARY KEY NOT NULL, name_key TEXT NOT NULL UNIQUE, phase TEXT NOT NULL,
            created_at INTEGER NOT NULL, document TEXT NOT NULL) STRICT;
        CREATE TABLE images (id TEXT PRIMARY KEY NOT NULL, created_at INTEGER NOT NULL, document TEXT NOT NULL) STRICT;
        CREATE TABLE image_names (name TEXT PRIMARY KEY NOT NULL, image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
            kind TEXT NOT NULL) STRICT;
        CREATE INDEX image_names_by_image ON image_names (image_id);
        CREATE TABLE snapshots (name TEXT PRIMARY KEY NOT NULL, diff_id TEXT NOT NULL, bytes INTEGER NOT NULL, inodes INTEGER NOT NULL,
            created_at INTEGER NOT NULL) STRICT;
        CREATE TABLE image_snapshots (image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
            snapshot TEXT NOT NULL REFERENCES snapshots (name), PRIMARY KEY (image_id, snapshot)) STRICT;
        CREATE TABLE image_blobs (image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE, digest TEXT NOT NULL,
            PRIMARY KEY (image_id, digest)) STRICT;
        CREATE TABLE containers (id TEXT PRIMARY KEY NOT NULL, pod_id TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
            phase TEXT NOT NULL, created_at INTEGER NOT NULL, document TEXT NOT NULL) STRICT;
        CREATE INDEX containers_by_pod ON containers (pod_id);
        PRAGMA user_version = 4;
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public void Open_SingleListDatabaseWithContainers_SplitIntoEngineAndCriRecords()
    {
        var path = _dir.Combine("minato.db");
        var id = new string('c', 64);
        var pod = new string('p', 64);
        var image = "sha256:" + new string('i', 64);
        WriteLegacy(path, $$"""
            INSERT INTO containers (id, pod_id, name_key, phase, created_at, document) VALUES ('{{id}}', '{{pod}}', '{{pod}}/web/2', 'Running', 11,
              '{"id":"{{id}}","podId":"{{pod}}","config":{"metadata":{"name":"web","attempt":2},"image":{"image":"{{image}}","userSpecifiedImage":"web:1"},
                "labels":{"app":"web"},"tty":true,"stdin":true,"stdinOnce":true,"logPath":"web/2.log"},
                "imageId":"{{image}}","runtimeHandler":"runc","phase":"Running","createdAt":11,"startedAt":12,"finishedAt":0,"exitCode":0,
                "reason":"","message":"","bundleDirectory":"/run/minato/containers/{{id}}","layerDirectory":"/var/lib/minato/containers/{{id}}",
                "logPath":"/var/log/pods/x/web/2.log","stopSignal":"SIGQUIT","pid":4242,"memoryCgroup":"/sys/fs/cgroup/memory/minato/{{id}}"}');
            """);

        var store = MetadataStore.Open(path, CriSchema.Module);

        var state = Assert.Single(ContainerStore.Load(store).All);
        Assert.Equal((id, "cri", "web", ContainerPhase.Running, 11L, 12L), (state.Id, state.Owner, state.Name, state.Phase, state.CreatedAt, state.StartedAt));
        Assert.Equal((true, true, true), (state.Tty, state.Stdin, state.StdinOnce));
        Assert.Equal(("SIGQUIT", 4242, image, "/var/log/pods/x/web/2.log"), (state.StopSignal, state.Pid, state.ImageId, state.LogPath));
        var entry = Assert.Single(CriContainerStore.Load(store).All);
        Assert.Equal((id, pod, $"{pod}/web/2", "web:1"), (entry.Id, entry.PodId, entry.NameKey, entry.Config.Image.UserSpecifiedImage));
        Assert.Equal("web", entry.Config.Labels["app"]);
        using var connection = store.OpenConnection();
        Assert.Equal(0L, Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE name = 'legacy_containers';"));
        Assert.Equal(SchemaMigrations.LatestVersion, SchemaMigrations.ReadVersion(connection));
        Assert.Equal(EngineSchema.Module.LatestVersion, SchemaMigrations.ReadVersion(connection, "engine"));
        Assert.Equal(CriSchema.Module.LatestVersion, SchemaMigrations.ReadVersion(connection, "cri"));
    }

    [Fact]
    public void Open_SingleListDatabase_PodsAndImagesKept()
    {
        var path = _dir.Combine("minato.db");
        WriteLegacy(path, """
            INSERT INTO meta (key, value) VALUES ('k', 'v');
            INSERT INTO images (id, created_at, document) VALUES ('sha256:1', 1, '{}');
            INSERT INTO pod_sandboxes (id, name_key, phase, created_at, document) VALUES ('p1', 'ns/web/uid/0', 'Ready', 1, '{}');
            """);

        var store = MetadataStore.Open(path, CriSchema.Module);

        using var connection = store.OpenConnection();
        Assert.Equal("v", Scalar(connection, "SELECT value FROM meta WHERE key = 'k';"));
        Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM images;"));
        Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM pod_sandboxes;"));
        Assert.Equal(0L, Scalar(connection, "SELECT count(*) FROM containers;"));
    }

    [Fact]
    public void Open_NewDatabaseTwice_EachModuleAtItsLatestVersion()
    {
        var path = _dir.Combine("minato.db");
        MetadataStore.Open(path, CriSchema.Module);

        var store = MetadataStore.Open(path, CriSchema.Module);

        using var connection = store.OpenConnection();
        Assert.Equal(CriSchema.Module.LatestVersion, SchemaMigrations.ReadVersion(connection, "cri"));
        Assert.Empty(SandboxStore.Load(store).All);
    }

    [Fact]
    public void Open_ModuleNewerThanThisBuild_RefusedWithItsName()
    {
        var path = _dir.Combine("minato.db");
        using (var connection = MetadataStore.Open(path, CriSchema.Module).OpenConnection())
        {
            Execute(connection, "UPDATE schema_versions SET version = 99 WHERE module = 'cri';");
        }

        var e = Assert.Throws<MetadataStoreException>(() => MetadataStore.Open(path, CriSchema.Module));

        Assert.Contains("cri schema version 99, newer than this minato understands", e.Message, StringComparison.Ordinal);
    }

    private static void WriteLegacy(string path, string rows)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        Execute(connection, LegacySchema + rows);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
