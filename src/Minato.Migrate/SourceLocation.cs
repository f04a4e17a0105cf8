namespace Minato.Migrate;

/// <summary>
/// Where an object or an error sits in the input: a file (or "-" for stdin), a 1-based line and, for errors,
/// a 1-based column (0 when not known).
/// </summary>
public sealed record SourceLocation(string File, long Line, long Column = 0)
{
    public override string ToString() => Line <= 0 ? File : Column > 0 ? $"{File}:{Line}:{Column}" : $"{File}:{Line}";
}
