using System.Text;

namespace Minato.Build.Dockerfile;

/// <summary>Splits a Dockerfile into logical lines with Docker's rules for comments, continuations and here-documents.</summary>
internal sealed class DockerfileLines
{
    private readonly IReadOnlyList<string> _lines;
    private readonly IReadOnlyList<string> _terminators;
    private readonly char _escape;
    private readonly List<string> _warnings;
    private int _next;

    private DockerfileLines(IReadOnlyList<string> lines, IReadOnlyList<string> terminators, char escape, List<string> warnings)
    {
        _lines = lines;
        _terminators = terminators;
        _escape = escape;
        _warnings = warnings;
    }

    /// <summary>Reads the directives and every logical line of <paramref name="text"/>.</summary>
    public static (char Escape, IReadOnlyList<LogicalLine> Lines) Split(string text, List<string> warnings)
    {
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        var (lines, terminators) = SplitPhysical(text);
        var escape = ParserDirectives.Read(lines, warnings);
        var reader = new DockerfileLines(lines, terminators, escape, warnings);
        var logical = new List<LogicalLine>();
        while (reader.ReadLogical() is { } line)
        {
            logical.Add(line);
        }

        return (escape, logical);
    }

    private static (List<string> Lines, List<string> Terminators) SplitPhysical(string text)
    {
        var lines = new List<string>();
        var terminators = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                lines.Add(text[start..]);
                terminators.Add("");
                break;
            }

            var contentEnd = end > start && text[end - 1] == '\r' ? end - 1 : end;
            lines.Add(text[start..contentEnd]);
            terminators.Add(text[contentEnd..(end + 1)]);
            start = end + 1;
        }

        return (lines, terminators);
    }

    private LogicalLine? ReadLogical()
    {
        while (_next < _lines.Count)
        {
            var startLine = _next + 1;
            var first = _lines[_next++].TrimStart(' ', '\t');
            if (IsComment(first))
            {
                continue;
            }

            var (content, ended) = TrimContinuation(first);
            if (ended && content.Length == 0)
            {
                continue;
            }

            var joined = new StringBuilder(content);
            var emptyContinuation = false;
            while (!ended && _next < _lines.Count)
            {
                var physical = _lines[_next++];
                if (IsComment(physical))
                {
                    continue;
                }

                if (physical.AsSpan().TrimStart(" \t").IsEmpty)
                {
                    emptyContinuation = true;
                    continue;
                }

                (content, ended) = TrimContinuation(physical);
                joined.Append(content);
                if (joined.Length > DockerfileParser.MaxLineLength)
                {
                    throw new DockerfileSyntaxException(startLine, $"the instruction is longer than {DockerfileParser.MaxLineLength >> 10} KiB");
                }
            }

            var text = joined.ToString();
            if (emptyContinuation)
            {
                _warnings.Add($"empty continuation line found in the instruction on line {startLine}: {text.Trim()}");
            }

            return new LogicalLine(startLine, text, ReadHeredocs(startLine, text));
        }

        return null;
    }

    private List<Heredoc> ReadHeredocs(int startLine, string text)
    {
        var heredocs = new List<Heredoc>();
        if (!text.Contains("<<", StringComparison.Ordinal) || !CanContainHeredoc(text))
        {
            return heredocs;
        }

        foreach (var (name, expand, chomp) in HeredocWords.FromLine(text))
        {
            var content = new StringBuilder();
            var terminated = false;
            while (_next < _lines.Count)
            {
                var physical = _lines[_next];
                var terminator = _terminators[_next];
                _next++;
                var candidate = chomp ? physical.TrimStart('\t') : physical;
                if (candidate == name)
                {
                    terminated = true;
                    break;
                }

                content.Append(chomp ? candidate : physical).Append(terminator);
            }

            if (!terminated)
            {
                throw new DockerfileSyntaxException(startLine, $"unterminated heredoc {name}: no line reads {name} before the end of the file");
            }

            heredocs.Add(new Heredoc(name, content.ToString(), expand, chomp));
        }

        return heredocs;
    }

    private static bool CanContainHeredoc(string text)
    {
        var keyword = text.TrimStart().Split([' ', '\t'], 2)[0];
        return keyword.Equals("RUN", StringComparison.OrdinalIgnoreCase)
            || keyword.Equals("COPY", StringComparison.OrdinalIgnoreCase)
            || keyword.Equals("ADD", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsComment(string line) => line.AsSpan().TrimStart(" \t").StartsWith("#");

    /// <summary>Removes a trailing escape character (and blanks after it); false when the line continues.</summary>
    private (string Content, bool Ended) TrimContinuation(string line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is ' ' or '\t')
        {
            end--;
        }

        return end > 0 && line[end - 1] == _escape ? (line[..(end - 1)], false) : (line, true);
    }
}
