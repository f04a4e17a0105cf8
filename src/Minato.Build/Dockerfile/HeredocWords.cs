using System.Text.RegularExpressions;

namespace Minato.Build.Dockerfile;

/// <summary>Finds here-document markers (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-"EOF"</c>, <c>3&lt;&lt;EOF</c>) among a line's words, as Docker's parser does.</summary>
internal static partial class HeredocWords
{
    /// <summary>The markers in <paramref name="line"/> in order; none when the line does not lex as shell words.</summary>
    public static IReadOnlyList<(string Name, bool Expand, bool Chomp)> FromLine(string line)
    {
        IReadOnlyList<string> words;
        try
        {
            words = new ShellLexer(line, NoVariables, '\\', ShellLexerOptions.RawQuotes | ShellLexerOptions.RawEscapes).Run().Fields;
        }
        catch (DockerfileSyntaxException)
        {
            return [];
        }

        var found = new List<(string, bool, bool)>();
        foreach (var word in words)
        {
            if (Parse(word) is { } heredoc)
            {
                found.Add(heredoc);
            }
        }

        return found;
    }

    /// <summary>The marker in one word, or null when the word is not one.</summary>
    public static (string Name, bool Expand, bool Chomp)? Parse(string word)
    {
        var match = Marker().Match(word);
        if (!match.Success || match.Groups[3].Length == 0)
        {
            return null;
        }

        var rest = match.Groups[3].Value;
        try
        {
            var plain = new ShellLexer(rest, NoVariables, '\\', ShellLexerOptions.SkipUnsetVariables).Run().Fields;
            var raw = new ShellLexer(rest, NoVariables, '\\', ShellLexerOptions.SkipUnsetVariables | ShellLexerOptions.RawQuotes).Run().Fields;
            if (plain.Count != 1 || raw.Count != 1)
            {
                return null;
            }

            // A quote anywhere in the delimiter turns expansion off, as in the shell.
            var expand = CountQuotes(plain[0]) == CountQuotes(raw[0]);
            return (plain[0], expand, match.Groups[2].Length == 1);
        }
        catch (DockerfileSyntaxException)
        {
            return null;
        }
    }

    private static string? NoVariables(string name) => null;

    private static int CountQuotes(string word) => word.Count(c => c is '\'' or '"');

    [GeneratedRegex(@"^(\d*)<<(-?)([^<]*)$")]
    private static partial Regex Marker();
}
