using System.Text;
using System.Text.RegularExpressions;
using Minato.Engine.Errors;

namespace Minato.Build.Context;

/// <summary>Go's <c>filepath.Match</c> patterns: <c>*</c> and <c>?</c> never cross a <c>/</c>, <c>[^a-z]</c> classes, <c>\</c> escapes.</summary>
internal sealed class GoGlob
{
    private readonly Regex _regex;

    private GoGlob(Regex regex)
    {
        _regex = regex;
    }

    /// <summary>True when the pattern has a metacharacter, so it must be matched rather than looked up.</summary>
    public static bool HasWildcards(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '*' or '?' or '[':
                    return true;
            }
        }

        return false;
    }

    /// <exception cref="InvalidInputException">The pattern is malformed (Go's ErrBadPattern).</exception>
    public static GoGlob Compile(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            switch (ch)
            {
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '\\':
                    if (++i == pattern.Length)
                    {
                        throw Bad(pattern);
                    }

                    regex.Append(Regex.Escape(pattern[i].ToString()));
                    break;
                case '[':
                    i = AppendClass(pattern, i, regex);
                    break;
                default:
                    regex.Append(Regex.Escape(ch.ToString()));
                    break;
            }
        }

        regex.Append('$');
        return new GoGlob(new Regex(regex.ToString(), RegexOptions.Singleline | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant));
    }

    public bool IsMatch(string path) => _regex.IsMatch(path);

    /// <summary>Appends the class starting at <paramref name="start"/> (the '['); returns the index of its ']'.</summary>
    private static int AppendClass(string pattern, int start, StringBuilder regex)
    {
        var i = start + 1;
        regex.Append('[');
        if (i < pattern.Length && pattern[i] == '^')
        {
            regex.Append('^');
            i++;
        }

        var items = 0;
        while (true)
        {
            if (i >= pattern.Length)
            {
                throw Bad(pattern);
            }

            if (pattern[i] == ']' && items > 0)
            {
                regex.Append(']');
                return i;
            }

            var low = ClassChar(pattern, ref i);
            regex.Append(Escape(low));
            if (i < pattern.Length && pattern[i] == '-')
            {
                i++;
                var high = ClassChar(pattern, ref i);
                if (high < low)
                {
                    throw Bad(pattern);
                }

                regex.Append('-').Append(Escape(high));
            }

            items++;
        }
    }

    private static char ClassChar(string pattern, ref int i)
    {
        if (i >= pattern.Length || pattern[i] is '-' or ']')
        {
            throw Bad(pattern);
        }

        if (pattern[i] == '\\')
        {
            i++;
            if (i >= pattern.Length)
            {
                throw Bad(pattern);
            }
        }

        return pattern[i++];
    }

    private static string Escape(char ch) => ch is '\\' or ']' or '[' or '^' or '-' ? "\\" + ch : ch.ToString();

    private static InvalidInputException Bad(string pattern) => new($"syntax error in pattern \"{pattern}\"");
}
