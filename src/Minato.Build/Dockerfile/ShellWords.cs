namespace Minato.Build.Dockerfile;

/// <summary>Docker's shell-lexer rules for variable substitution in Dockerfile words.</summary>
/// <remarks>
/// Single quotes keep everything literal; double quotes keep everything but <c>$</c> substitutions and escaped
/// <c>"</c>, <c>$</c> and the escape character; outside quotes the escape character escapes any character. Supported
/// substitutions: <c>$V</c>, <c>${V}</c>, <c>${V:-w}</c>, <c>${V-w}</c>, <c>${V:+w}</c>, <c>${V+w}</c>,
/// <c>${V:?m}</c>, <c>${V?m}</c>, <c>${V#p}</c>, <c>${V##p}</c>, <c>${V%p}</c>, <c>${V%%p}</c>.
/// </remarks>
public static class ShellWords
{
    /// <summary>Expands variables and removes quotes in one word (whitespace is kept).</summary>
    /// <exception cref="DockerfileSyntaxException">A substitution is malformed, a quote is unterminated, or a <c>${V:?msg}</c> variable is unset.</exception>
    public static string Expand(string word, Func<string, string?> lookup, char escape)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(lookup);
        return new ShellLexer(word, lookup, escape, ShellLexerOptions.None).Run().Text;
    }

    /// <summary>Expands variables and splits the result into fields on unquoted whitespace (quoted empty strings are dropped, as Docker does).</summary>
    /// <exception cref="DockerfileSyntaxException">A substitution is malformed or a quote is unterminated.</exception>
    public static IReadOnlyList<string> ExpandFields(string text, Func<string, string?> lookup, char escape)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(lookup);
        return new ShellLexer(text, lookup, escape, ShellLexerOptions.None).Run().Fields;
    }
}
