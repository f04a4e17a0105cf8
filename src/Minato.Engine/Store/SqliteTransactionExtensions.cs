using Microsoft.Data.Sqlite;

namespace Minato.Engine.Store;

/// <summary>One statement inside a transaction, the way every writer of the metadata database runs them.</summary>
public static class SqliteTransactionExtensions
{
    /// <summary>Runs <paramref name="sql"/> with named parameters in <paramref name="transaction"/>; returns the rows changed.</summary>
    public static int Execute(this SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }
}
