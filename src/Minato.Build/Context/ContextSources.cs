using Minato.Engine.Errors;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Interop;

namespace Minato.Build.Context;

/// <summary>Resolves a COPY/ADD source pattern to entries of the build context, as Docker's classic builder does.</summary>
/// <remarks>
/// A leading <c>/</c> or <c>./</c> means the context root; <c>.</c> is the whole context. A pattern with wildcards is
/// matched with Go's <c>filepath.Match</c> against every context path of the same depth, in lexical order; a path
/// without is looked up directly. Entries excluded by .dockerignore count as absent. Lookups go through
/// <see cref="RootedDirectory"/>, so a symlink in the context never leads outside it.
/// </remarks>
public static class ContextSources
{
    /// <summary>Most matches one wildcard source may have.</summary>
    public const int MaxMatches = 100_000;

    private const int MaxDirectoryEntries = 1_000_000;

    /// <summary>The context-relative paths (forward slashes, <c>.</c> for the root) matching <paramref name="pattern"/> and not ignored;
    /// <paramref name="instruction"/> (COPY or ADD) starts the error messages.</summary>
    /// <exception cref="InvalidInputException">The source is outside the context, malformed, or matches nothing; the message names it.</exception>
    public static IReadOnlyList<string> Resolve(string contextDirectory, string pattern, DockerIgnore ignore, string instruction = "COPY")
    {
        ArgumentNullException.ThrowIfNull(contextDirectory);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(ignore);
        var path = pattern.StartsWith('/') ? pattern[1..] : pattern;
        path = path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
        var clean = ContextPath.Clean(path);
        if (clean == ".." || clean.StartsWith("../", StringComparison.Ordinal) || clean.StartsWith('/'))
        {
            throw new InvalidInputException($"{instruction} failed: forbidden path outside the build context: {pattern}");
        }

        using var root = RootedDirectory.Open(contextDirectory);
        if (!GoGlob.HasWildcards(clean))
        {
            var found = clean == "." || (!ignore.IsExcluded(clean) && Exists(root, clean));
            return found
                ? [clean]
                : throw new InvalidInputException(
                    $"{instruction} failed: file not found in build context or excluded by .dockerignore: stat {clean}: file does not exist");
        }

        var glob = GoGlob.Compile(clean);
        var depth = clean.Count(c => c == '/') + 1;
        var matches = new List<string>();
        Walk(root, "", 1, depth, glob, ignore, matches);
        return matches.Count > 0
            ? matches
            : throw new InvalidInputException(
                $"{instruction} failed: no source files were specified: nothing in the build context (after .dockerignore) matches {pattern}");
    }

    private static void Walk(RootedDirectory root, string directory, int level, int depth, GoGlob glob, DockerIgnore ignore, List<string> matches)
    {
        foreach (var name in root.List(directory, MaxDirectoryEntries))
        {
            var path = directory.Length == 0 ? name : $"{directory}/{name}";
            var excluded = ignore.IsExcluded(path);
            if (level == depth)
            {
                if (!excluded && glob.IsMatch(path))
                {
                    if (matches.Count == MaxMatches)
                    {
                        throw new InvalidInputException($"the source pattern matches more than {MaxMatches} entries");
                    }

                    matches.Add(path);
                }

                continue;
            }

            if ((!excluded || ignore.MayIncludeBelow(path)) && root.GetStatus(path) is { IsDirectory: true })
            {
                Walk(root, path, level + 1, depth, glob, ignore, matches);
            }
        }
    }

    private static bool Exists(RootedDirectory root, string path)
    {
        try
        {
            return root.GetStatus(path) is not null;
        }
        catch (SyscallException)
        {
            // A loop or a symlink out of the context on the way: as absent as a missing file.
            return false;
        }
    }
}
