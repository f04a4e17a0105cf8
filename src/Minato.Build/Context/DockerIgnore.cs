using Minato.Engine.Errors;

namespace Minato.Build.Context;

/// <summary>A parsed <c>.dockerignore</c> with Docker's pattern rules (<c>**</c>, <c>!</c> exceptions, cleaned paths).</summary>
/// <remarks>
/// As Docker's patternmatcher: lines starting with <c>#</c> are comments, blank lines are skipped, patterns are
/// cleaned (<c>./a/../b</c> is <c>b</c>, a leading <c>/</c> is dropped), the last matching pattern wins, and a path is
/// also excluded when a pattern matches one of its parent directories.
/// </remarks>
public sealed class DockerIgnore
{
    /// <summary>The largest .dockerignore accepted, in characters.</summary>
    public const int MaxLength = 1 << 20;

    private readonly IReadOnlyList<IgnorePattern> _patterns;

    private DockerIgnore(IReadOnlyList<IgnorePattern> patterns)
    {
        _patterns = patterns;
    }

    /// <summary>Nothing excluded.</summary>
    public static DockerIgnore Empty { get; } = new([]);

    /// <summary>The patterns as Docker reads them (cleaned, <c>!</c> kept), in file order.</summary>
    public IReadOnlyList<string> Patterns => [.. _patterns.Select(p => p.ToString())];

    /// <summary>Parses the file's text.</summary>
    /// <exception cref="InvalidInputException">The file is too large, or a pattern is malformed; the message names its line.</exception>
    public static DockerIgnore Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new InvalidInputException($".dockerignore is larger than {MaxLength >> 20} MiB");
        }

        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        var patterns = new List<IgnorePattern>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.StartsWith('#'))
            {
                continue;
            }

            var pattern = line.Trim();
            if (pattern.Length == 0)
            {
                continue;
            }

            var exclusion = pattern[0] == '!';
            if (exclusion)
            {
                pattern = pattern[1..].Trim();
                if (pattern.Length == 0)
                {
                    throw new InvalidInputException($".dockerignore line {i + 1}: illegal exclusion pattern: \"!\"");
                }
            }

            pattern = ContextPath.Clean(pattern);
            if (pattern.Length > 1 && pattern[0] == '/')
            {
                pattern = pattern[1..];
            }

            patterns.Add(IgnorePattern.Compile(pattern, exclusion, i + 1));
        }

        return new DockerIgnore(patterns);
    }

    /// <summary>True when <paramref name="relativePath"/> (forward slashes, no leading <c>./</c>) is excluded.</summary>
    public bool IsExcluded(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        if (_patterns.Count == 0)
        {
            return false;
        }

        var path = ContextPath.Clean(relativePath).TrimStart('/');
        if (path is "" or ".")
        {
            return false;
        }

        var parents = path.Split('/')[..^1];
        var matched = false;
        foreach (var pattern in _patterns)
        {
            // An exclusion only matters once something matched, an inclusion only while nothing has.
            if (pattern.IsExclusion != matched)
            {
                continue;
            }

            var match = pattern.Matches(path);
            for (var i = 0; !match && i < parents.Length; i++)
            {
                match = pattern.Matches(string.Join('/', parents[..(i + 1)]));
            }

            if (match)
            {
                matched = !pattern.IsExclusion;
            }
        }

        return matched;
    }

    /// <summary>True when something below <paramref name="directory"/> may be included, so a walk must descend.</summary>
    /// <remarks>Conservative: true unless the directory is excluded and no <c>!</c> pattern can reach below it.</remarks>
    public bool MayIncludeBelow(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!IsExcluded(directory))
        {
            return true;
        }

        var parts = ContextPath.Clean(directory).TrimStart('/').Split('/');
        return _patterns.Any(p => p.IsExclusion && p.MayMatchBelow(parts));
    }
}
