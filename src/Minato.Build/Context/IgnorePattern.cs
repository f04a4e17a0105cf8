using System.Text;
using System.Text.RegularExpressions;
using Minato.Engine.Errors;

namespace Minato.Build.Context;

/// <summary>One .dockerignore pattern compiled as Docker's patternmatcher does: <c>*</c> and <c>?</c> stay within a path segment, <c>**</c> spans any number.</summary>
internal sealed class IgnorePattern
{
    private readonly string _pattern;
    private readonly Regex _regex;
    private readonly string[] _segments;

    private IgnorePattern(string pattern, bool exclusion, Regex regex)
    {
        _pattern = pattern;
        IsExclusion = exclusion;
        _regex = regex;
        _segments = pattern.Split('/');
    }

    public bool IsExclusion { get; }

    public static IgnorePattern Compile(string pattern, bool exclusion, int line)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            if (ch == '*')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] == '*')
                {
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                    }

                    regex.Append(i + 1 == pattern.Length ? ".*" : "(.*/)?");
                }
                else
                {
                    regex.Append("[^/]*");
                }
            }
            else if (ch == '?')
            {
                regex.Append("[^/]");
            }
            else if (ch == '\\')
            {
                regex.Append(i + 1 < pattern.Length ? Regex.Escape(pattern[++i].ToString()) : @"\\");
            }
            else if (ch is '[' or ']')
            {
                // Character classes go to the regex as written, as Docker's matcher does ([!x] is a '!' or an 'x' there too).
                regex.Append(ch);
            }
            else
            {
                regex.Append(Regex.Escape(ch.ToString()));
            }
        }

        regex.Append('$');
        try
        {
            return new IgnorePattern(pattern, exclusion, new Regex(regex.ToString(), RegexOptions.Singleline | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant));
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException($".dockerignore line {line}: syntax error in pattern \"{pattern}\"", e);
        }
    }

    public bool Matches(string path) => _regex.IsMatch(path);

    /// <summary>Whether this pattern could match a path strictly below the directory made of <paramref name="directory"/> segments.</summary>
    public bool MayMatchBelow(string[] directory)
    {
        for (var i = 0; i < directory.Length; i++)
        {
            if (i >= _segments.Length)
            {
                return false;
            }

            var segment = _segments[i];
            if (segment.Contains("**", StringComparison.Ordinal))
            {
                return true;
            }

            if (!SegmentMatches(segment, directory[i]))
            {
                return false;
            }
        }

        return _segments.Length > directory.Length;
    }

    public override string ToString() => IsExclusion ? "!" + _pattern : _pattern;

    private static bool SegmentMatches(string segment, string name)
    {
        try
        {
            return Compile(segment, false, 0).Matches(name);
        }
        catch (InvalidInputException)
        {
            return true;
        }
    }
}
