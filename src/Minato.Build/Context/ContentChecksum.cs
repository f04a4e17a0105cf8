namespace Minato.Build.Context;

/// <summary>A stable digest of files and directories of the context, used in build cache keys.</summary>
public static class ContentChecksum
{
    /// <summary><c>sha256:...</c> over each path's relative name, mode, owner, size, link target and content, in a stable order.</summary>
    public static string Compute(string root, IReadOnlyList<string> relativePaths) => throw new NotImplementedException();
}
