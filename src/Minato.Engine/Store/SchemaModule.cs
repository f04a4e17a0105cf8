using Microsoft.Data.Sqlite;

namespace Minato.Engine.Store;

/// <summary>One schema change: SQL, or code for a change SQL alone cannot express (splitting documents).</summary>
/// <param name="Sql">Statements to run; empty when <paramref name="Code"/> does the work.</param>
/// <param name="Code">Runs inside the step's transaction after <paramref name="Sql"/>.</param>
public sealed record SchemaStep(string Sql, Action<SqliteConnection, SqliteTransaction>? Code = null)
{
    public static implicit operator SchemaStep(string sql) => new(sql);
}

/// <summary>The tables one layer owns and the ordered steps that make them; each layer migrates its own.</summary>
/// <param name="Name">The layer (<c>engine</c>, <c>cri</c>); its version is kept under this name.</param>
/// <param name="Steps">Step N (1-based) moves the module from version N-1 to N. Never edit a released step; add one.</param>
public sealed record SchemaModule(string Name, IReadOnlyList<SchemaStep> Steps)
{
    /// <summary>The version this build writes.</summary>
    public int LatestVersion => Steps.Count;
}
