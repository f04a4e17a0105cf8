using System.Security.Cryptography;
using System.Text;
using Minato.Engine.Images.Store;
using Minato.Engine.Store;

namespace Minato.Build;

/// <summary>The build cache: a step's key (its parent's key, the instruction with its arguments expanded, and the
/// checksum of what it copies) mapped to the image the step produced.</summary>
/// <remarks>The images themselves live in the image store like any other; an entry whose image is gone is a miss.</remarks>
public sealed class BuildCache(MetadataStore store, ImageStore images, TimeProvider time)
{
    /// <summary>The key of a step after <paramref name="parent"/>.</summary>
    public static string KeyOf(string parent, string step)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(parent + "\n" + step));
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The stored image a step with <paramref name="key"/> produced, if it is still there.</summary>
    public ImageRecord? Find(string key)
    {
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT image_id FROM build_cache WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() is string id ? images.Find(id) : null;
    }

    /// <summary>Remembers that the step with <paramref name="key"/> produced <paramref name="imageId"/>.</summary>
    public void Put(string key, string imageId)
    {
        using var connection = store.OpenConnection();
        using var transaction = connection.BeginTransaction();
        transaction.Execute(
            "INSERT OR REPLACE INTO build_cache (key, image_id, created_at) VALUES ($key, $id, $at);",
            ("$key", key), ("$id", imageId), ("$at", time.GetUtcNow().ToUnixTimeMilliseconds()));
        transaction.Commit();
    }

    /// <summary>Every image the cache refers to.</summary>
    public IReadOnlyList<string> ImageIds()
    {
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT image_id FROM build_cache;";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Forgets every entry for <paramref name="imageId"/>.</summary>
    public void Forget(string imageId)
    {
        using var connection = store.OpenConnection();
        using var transaction = connection.BeginTransaction();
        transaction.Execute("DELETE FROM build_cache WHERE image_id = $id;", ("$id", imageId));
        transaction.Commit();
    }
}
