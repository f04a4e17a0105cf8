using System.Text;
using System.Text.RegularExpressions;

namespace Minato.Build.Dockerfile;

/// <summary>Shell glob patterns (<c>*</c>, <c>?</c>, <c>[...]</c>) for <c>${V#p}</c> and <c>${V%p}</c> trimming.</summary>
internal static class ShellPattern
{
    public static string TrimPrefix(string value, string pattern, bool longest)
    {
        var regex = Compile(pattern);
        if (longest)
        {
            for (var length = value.Length; length >= 0; length--)
            {
                if (regex.IsMatch(value.AsSpan(0, length)))
                {
                    return value[length..];
                }
            }
        }
        else
        {
            for (var length = 0; length <= value.Length; length++)
            {
                if (regex.IsMatch(value.AsSpan(0, length)))
                {
                    return value[length..];
                }
            }
        }

        return value;
    }

    public static string TrimSuffix(string value, string pattern, bool longest)
    {
        var regex = Compile(pattern);
        if (longest)
        {
            for (var start = 0; start <= value.Length; start++)
            {
                if (regex.IsMatch(value.AsSpan(start)))
                {
                    return value[..start];
                }
            }
        }
        else
        {
            for (var start = value.Length; start >= 0; start--)
            {
                if (regex.IsMatch(value.AsSpan(start)))
                {
                    return value[..start];
                }
            }
        }

        return value;
    }

    private static Regex Compile(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            switch (ch)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '\\' when i + 1 < pattern.Length:
                    regex.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '[':
                    var end = pattern.IndexOf(']', i + 2);
                    if (end < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }

                    var set = pattern[(i + 1)..end];
                    var negate = set.StartsWith('!') || set.StartsWith('^');
                    regex.Append('[').Append(negate ? "^" : "")
                        .Append(set[(negate ? 1 : 0)..].Replace(@"\", @"\\", StringComparison.Ordinal).Replace("[", @"\[", StringComparison.Ordinal))
                        .Append(']');
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(ch.ToString()));
                    break;
            }
        }

        regex.Append('$');
        return new Regex(regex.ToString(), RegexOptions.Singleline | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
    }
}
