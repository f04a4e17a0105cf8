namespace Minato.Migrate;

/// <summary>Where an object or an error sits in the input: a file (or "-" for stdin) and a 1-based line.</summary>
public sealed record SourceLocation(string File, long Line)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}" : File;
}
