using System.Text.RegularExpressions;

namespace Minato.Build.Dockerfile;

/// <summary>The parser directives at the top of a Dockerfile (<c># escape=</c>, <c># syntax=</c>, <c># check=</c>).</summary>
/// <remarks>
/// As in Docker, directives are only read until the first line that is not one (an empty line, a plain comment,
/// an instruction or an unknown directive); each may appear once.
/// </remarks>
internal static partial class ParserDirectives
{
    public static char Read(IReadOnlyList<string> lines, List<string> warnings)
    {
        var escape = '\\';
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var match = Directive().Match(lines[i].TrimStart());
            if (!match.Success)
            {
                break;
            }

            var name = match.Groups[1].Value.ToLowerInvariant();
            if (name is not ("escape" or "syntax" or "check"))
            {
                break;
            }

            if (!seen.Add(name))
            {
                throw new DockerfileSyntaxException(i + 1, $"only one {name} parser directive can be used");
            }

            var value = match.Groups[2].Value;
            switch (name)
            {
                case "escape":
                    escape = value switch
                    {
                        "\\" => '\\',
                        "`" => '`',
                        _ => throw new DockerfileSyntaxException(i + 1, $"invalid escape token '{value}' does not match ` or \\"),
                    };
                    break;
                case "syntax":
                    warnings.Add($"the syntax parser directive on line {i + 1} is ignored: this builder has its own Dockerfile frontend ({value} is not fetched)");
                    break;
                default:
                    warnings.Add($"the check parser directive on line {i + 1} is ignored");
                    break;
            }
        }

        return escape;
    }

    [GeneratedRegex(@"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")]
    private static partial Regex Directive();
}
