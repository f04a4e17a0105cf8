using Microsoft.Data.Sqlite;
using Minato.Engine.Store;

namespace Minato.Tests.Engine.Store;

public sealed class MetadataStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public void Open_MissingFile_CreatesAndMigratesToLatest()
    {
        var path = _dir.Combine("sub", "minato.db");

        var store = MetadataStore.Open(path);

        Assert.True(File.Exists(path));
        Assert.Equal(SchemaMigrations.LatestVersion, store.SchemaVersion);
        using var connection = store.OpenConnection();
        Assert.Equal(SchemaMigrations.LatestVersion, SchemaMigrations.ReadVersion(connection));
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
        Assert.Equal(2L, Scalar(connection, "PRAGMA synchronous;"));
        Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE name = 'meta';"));
    }

    [Fact]
    public void Open_EmptyFile_IsMigratedLikeANewDatabase()
    {
        var path = _dir.Write("minato.db", string.Empty);

        var store = MetadataStore.Open(path);

        Assert.Equal(SchemaMigrations.LatestVersion, store.SchemaVersion);
    }

    [Fact]
    public void Open_Twice_KeepsDataAndVersion()
    {
        var path = _dir.Combine("minato.db");
        using (var connection = MetadataStore.Open(path).OpenConnection())
        {
            Execute(connection, "INSERT INTO meta (key, value) VALUES ('k', 'v');");
        }

        var again = MetadataStore.Open(path);

        using var reopened = again.OpenConnection();
        Assert.Equal("v", Scalar(reopened, "SELECT value FROM meta WHERE key = 'k';"));
        Assert.Equal(SchemaMigrations.LatestVersion, again.SchemaVersion);
    }

    [Fact]
    public void Open_NewerSchemaVersion_IsRefusedWithoutChange()
    {
        var path = _dir.Combine("minato.db");
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            Execute(connection, "CREATE TABLE future (x); PRAGMA user_version = 99;");
        }

        var e = Assert.Throws<MetadataStoreException>(() => MetadataStore.Open(path));

        Assert.Contains("schema version 99, newer than this minato understands", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        using var check = new SqliteConnection($"Data Source={path}");
        check.Open();
        Assert.Equal(99, SchemaMigrations.ReadVersion(check));
        Assert.Equal(0L, Scalar(check, "SELECT count(*) FROM sqlite_master WHERE name = 'meta';"));
    }

    [Fact]
    public void Open_GarbageFile_IsReportedAsCorruptAndLeftAlone()
    {
        var garbage = string.Concat(Enumerable.Repeat("this is not a database ", 400));
        var path = _dir.Write("minato.db", garbage);

        var e = Assert.Throws<MetadataStoreException>(() => MetadataStore.Open(path));

        Assert.Contains("is corrupt or not a SQLite database", e.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, File.ReadAllText(path));
    }

    [Fact]
    public void Migrations_EachStep_IsAppliedInOrderFromAnyEarlierVersion()
    {
        var path = _dir.Combine("minato.db");
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            Assert.Equal(0, SchemaMigrations.ReadVersion(connection));
            Assert.Equal(SchemaMigrations.LatestVersion, SchemaMigrations.Apply(connection, path, [EngineSchema.Module]));
            Assert.Equal(SchemaMigrations.LatestVersion, SchemaMigrations.Apply(connection, path, [EngineSchema.Module]));
        }

        Assert.Equal(SchemaMigrations.LatestVersion, MetadataStore.Open(path).SchemaVersion);
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
