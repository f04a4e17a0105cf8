using System.Text;
using System.Text.Json;

namespace Minato.Build.Dockerfile;

/// <summary>Docker's argument splitters: flag words, quote-aware words, JSON arrays and whitespace lists.</summary>
internal static class DockerfileWords
{
    private static readonly char[] Blanks = [' ', '\t', '\v', '\f', '\r'];

    /// <summary>Takes the leading <c>--flag[=value]</c> words off <paramref name="line"/>; <c>--</c> ends them.</summary>
    public static (List<string> Flags, string Remainder) ExtractFlags(string line)
    {
        var flags = new List<string>();
        var pos = 0;
        while (true)
        {
            while (pos < line.Length && char.IsWhiteSpace(line[pos]))
            {
                pos++;
            }

            if (pos + 1 >= line.Length || line[pos] != '-' || line[pos + 1] != '-')
            {
                return (flags, line[pos..]);
            }

            var word = new StringBuilder();
            var blankOk = false;
            char? quote = null;
            for (; pos < line.Length; pos++)
            {
                var ch = line[pos];
                if (quote is null && char.IsWhiteSpace(ch))
                {
                    break;
                }

                if (quote is null && ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    continue;
                }

                if (quote is { } q && ch == q)
                {
                    quote = null;
                    continue;
                }

                if (ch == '\\')
                {
                    if (pos + 1 == line.Length)
                    {
                        continue;
                    }

                    ch = line[++pos];
                }

                word.Append(ch);
            }

            var text = word.ToString();
            if (text == "--")
            {
                return (flags, pos < line.Length ? line[pos..] : "");
            }

            if (blankOk || text.Length > 0)
            {
                flags.Add(text);
            }
        }
    }

    /// <summary>Splits on unquoted whitespace keeping quotes and escapes in the words (they go to the shell lexer later).</summary>
    public static List<string> QuotedWords(string rest, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var blankOk = false;
        char? quote = null;
        for (var pos = 0; pos < rest.Length; pos++)
        {
            var ch = rest[pos];
            if (quote is null)
            {
                if (char.IsWhiteSpace(ch))
                {
                    if (inWord && (blankOk || word.Length > 0))
                    {
                        words.Add(word.ToString());
                    }

                    word.Clear();
                    inWord = false;
                    blankOk = false;
                    continue;
                }

                inWord = true;
                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                }
                else if (ch == escape)
                {
                    if (pos + 1 == rest.Length)
                    {
                        continue;
                    }

                    word.Append(ch);
                    ch = rest[++pos];
                }

                word.Append(ch);
                continue;
            }

            if (ch == quote)
            {
                quote = null;
            }
            else if (ch == escape && quote != '\'')
            {
                if (pos + 1 == rest.Length)
                {
                    quote = null;
                    continue;
                }

                word.Append(ch);
                ch = rest[++pos];
            }

            word.Append(ch);
        }

        if (inWord && (blankOk || word.Length > 0))
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>Splits on blanks (space, tab, vertical tab, form feed, carriage return) with no quote handling.</summary>
    public static List<string> Whitespace(string rest) =>
        [.. rest.Split(Blanks, StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The strings of a JSON array, null when <paramref name="rest"/> is not valid JSON or not an array.</summary>
    /// <exception cref="DockerfileSyntaxException">Valid JSON array with an element that is not a string (Docker refuses it rather than falling back to shell form).</exception>
    public static List<string>? JsonArray(string rest, int line)
    {
        var trimmed = rest.TrimStart();
        if (!trimmed.StartsWith('['))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(trimmed, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var strings = new List<string>();
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    throw new DockerfileSyntaxException(line, "when using JSON array syntax, arrays must be comprised of strings only");
                }

                strings.Add(element.GetString()!);
            }

            return strings;
        }
    }
}
