namespace Minato.Build.Dockerfile;

/// <summary>Docker's shell-lexer rules for variable substitution in Dockerfile words.</summary>
public static class ShellWords
{
    /// <summary>Expands variables and removes quotes in one word.</summary>
    /// <exception cref="DockerfileSyntaxException">A substitution is malformed or a <c>${V:?msg}</c> variable is unset.</exception>
    public static string Expand(string word, Func<string, string?> lookup, char escape) => throw new NotImplementedException();

    /// <summary>Expands variables and splits the result into fields on unquoted whitespace.</summary>
    /// <exception cref="DockerfileSyntaxException">A substitution is malformed.</exception>
    public static IReadOnlyList<string> ExpandFields(string text, Func<string, string?> lookup, char escape) =>
        throw new NotImplementedException();
}
