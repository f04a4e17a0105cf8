namespace Minato.Build.Context;

/// <summary>A parsed <c>.dockerignore</c> with Docker's pattern rules (<c>**</c>, <c>!</c> exceptions, cleaned paths).</summary>
public sealed class DockerIgnore
{
    /// <summary>Nothing excluded.</summary>
    public static DockerIgnore Empty { get; } = new();

    /// <summary>Parses the file's text.</summary>
    public static DockerIgnore Parse(string text) => throw new NotImplementedException();

    /// <summary>True when <paramref name="relativePath"/> (forward slashes, no leading <c>./</c>) is excluded.</summary>
    public bool IsExcluded(string relativePath) => throw new NotImplementedException();

    /// <summary>True when something below <paramref name="directory"/> may be included, so a walk must descend.</summary>
    public bool MayIncludeBelow(string directory) => throw new NotImplementedException();
}
