using System.Text;

namespace Minato.Build.Dockerfile;

/// <summary>Switches that make <see cref="ShellLexer"/> keep quotes, escapes or unset variables as written.</summary>
[Flags]
internal enum ShellLexerOptions
{
    None = 0,
    RawQuotes = 1,
    RawEscapes = 2,
    SkipUnsetVariables = 4,
}

/// <summary>One pass of Docker's shell lexer over a word: the expanded text and the same text split into fields.</summary>
internal sealed class ShellLexer(string input, Func<string, string?> lookup, char escape, ShellLexerOptions options)
{
    private const int MaxOutput = 16 << 20;
    private int _position;

    private bool RawQuotes => (options & ShellLexerOptions.RawQuotes) != 0;
    private bool RawEscapes => (options & ShellLexerOptions.RawEscapes) != 0;
    private bool SkipUnset => (options & ShellLexerOptions.SkipUnsetVariables) != 0;

    public (string Text, IReadOnlyList<string> Fields) Run()
    {
        var fields = new FieldBuilder();
        var text = ReadUntil(null, fields);
        return (text, fields.Finish());
    }

    private int Peek => _position < input.Length ? input[_position] : -1;

    private char Next() => input[_position++];

    private string ReadUntil(char? stop, FieldBuilder? fields)
    {
        var result = new StringBuilder();
        while (_position < input.Length)
        {
            var ch = input[_position];
            if (stop is { } s && ch == s)
            {
                _position++;
                return result.ToString();
            }

            if (ch == '$')
            {
                var value = ReadDollar();
                Append(result, value);
                fields?.AddExpanded(value);
            }
            else if (ch == '\'')
            {
                var value = ReadSingleQuoted();
                Append(result, value);
                fields?.AddQuoted(value);
            }
            else if (ch == '"')
            {
                var value = ReadDoubleQuoted();
                Append(result, value);
                fields?.AddQuoted(value);
            }
            else
            {
                Next();
                if (ch == escape)
                {
                    if (RawEscapes)
                    {
                        result.Append(ch);
                        fields?.AddLiteral(ch);
                    }

                    if (_position >= input.Length)
                    {
                        break;
                    }

                    ch = Next();
                    fields?.AddLiteral(ch);
                }
                else
                {
                    fields?.AddPlain(ch);
                }

                result.Append(ch);
                Bound(result);
            }
        }

        if (stop is { } missing)
        {
            throw Error(missing == '}' ? "syntax error: missing '}'" : $"unexpected end of statement while looking for matching {missing}");
        }

        return result.ToString();
    }

    private string ReadSingleQuoted()
    {
        Next();
        var result = new StringBuilder();
        if (RawQuotes)
        {
            result.Append('\'');
        }

        while (true)
        {
            if (_position >= input.Length)
            {
                throw Error("unexpected end of statement while looking for matching single-quote");
            }

            var ch = Next();
            if (ch == '\'')
            {
                break;
            }

            result.Append(ch);
        }

        if (RawQuotes)
        {
            result.Append('\'');
        }

        return result.ToString();
    }

    private string ReadDoubleQuoted()
    {
        Next();
        var result = new StringBuilder();
        if (RawQuotes)
        {
            result.Append('"');
        }

        while (true)
        {
            if (_position >= input.Length)
            {
                throw Error("unexpected end of statement while looking for matching double-quote");
            }

            var ch = input[_position];
            if (ch == '"')
            {
                Next();
                break;
            }

            if (ch == '$')
            {
                Append(result, ReadDollar());
                continue;
            }

            Next();
            if (ch == escape && _position < input.Length)
            {
                var escaped = input[_position];
                if (escaped is '"' or '$' || escaped == escape)
                {
                    if (RawEscapes)
                    {
                        result.Append(ch);
                    }

                    ch = Next();
                }
            }

            result.Append(ch);
            Bound(result);
        }

        if (RawQuotes)
        {
            result.Append('"');
        }

        return result.ToString();
    }

    private string ReadDollar()
    {
        Next();
        if (Peek != '{')
        {
            var simple = ReadName();
            if (simple.Length == 0)
            {
                return "$";
            }

            var found = lookup(simple);
            return found is null && SkipUnset ? "$" + simple : found ?? "";
        }

        Next();
        if (Peek is -1)
        {
            throw Error("syntax error: missing '}'");
        }

        if (Peek is '{' or '}' or ':')
        {
            throw Error("syntax error: bad substitution");
        }

        var name = ReadName();
        if (_position >= input.Length)
        {
            throw Error("syntax error: missing '}'");
        }

        var modifier = Next();
        var value = lookup(name);
        switch (modifier)
        {
            case '}':
                return value is null && SkipUnset ? "${" + name + "}" : value ?? "";
            case ':':
                return ReadColonModifier(name, value);
            case '+':
                {
                    var word = ReadUntil('}', null);
                    return value is null ? "" : word;
                }

            case '-':
                {
                    var word = ReadUntil('}', null);
                    return value ?? word;
                }

            case '?':
                {
                    var word = ReadUntil('}', null);
                    return value ?? throw Error($"{name}: {(word.Length == 0 ? "is not allowed to be unset" : word)}");
                }

            case '#' or '%':
                return ReadTrim(value ?? "", modifier);
            default:
                throw Error($"unsupported modifier ({modifier}) in substitution");
        }
    }

    private string ReadColonModifier(string name, string? value)
    {
        if (_position >= input.Length)
        {
            throw Error("syntax error: missing '}'");
        }

        var modifier = Next();
        var word = ReadUntil('}', null);
        var current = value ?? "";
        return modifier switch
        {
            '+' => current.Length == 0 ? "" : word,
            '-' => current.Length == 0 ? word : current,
            '?' when value is null => throw Error($"{name}: {(word.Length == 0 ? "is not allowed to be unset" : word)}"),
            '?' when current.Length == 0 => throw Error($"{name}: {(word.Length == 0 ? "is not allowed to be empty" : word)}"),
            '?' => current,
            _ => throw Error($"unsupported modifier ({modifier}) in substitution"),
        };
    }

    private string ReadTrim(string value, char modifier)
    {
        var longest = Peek == modifier;
        if (longest)
        {
            Next();
        }

        var pattern = ReadUntil('}', null);
        return modifier == '#'
            ? ShellPattern.TrimPrefix(value, pattern, longest)
            : ShellPattern.TrimSuffix(value, pattern, longest);
    }

    private string ReadName()
    {
        var start = _position;
        if (_position < input.Length && char.IsAsciiDigit(input[_position]))
        {
            while (_position < input.Length && char.IsAsciiDigit(input[_position]))
            {
                _position++;
            }

            return input[start.._position];
        }

        if (_position < input.Length && input[_position] is '@' or '*' or '#' or '?' or '-' or '$' or '!')
        {
            _position++;
            return input[start.._position];
        }

        while (_position < input.Length && (char.IsLetterOrDigit(input[_position]) || input[_position] == '_'))
        {
            _position++;
        }

        return input[start.._position];
    }

    private static void Append(StringBuilder result, string value)
    {
        result.Append(value);
        Bound(result);
    }

    private static void Bound(StringBuilder result)
    {
        if (result.Length > MaxOutput)
        {
            throw new DockerfileSyntaxException($"a word expands to more than {MaxOutput >> 20} MiB");
        }
    }

    private DockerfileSyntaxException Error(string problem) =>
        new($"failed to process \"{input}\": {problem}");

    /// <summary>Collects fields as Docker's lexer does: unquoted whitespace and whitespace in unquoted expansions split.</summary>
    private sealed class FieldBuilder
    {
        private readonly List<string> _fields = [];
        private readonly StringBuilder _word = new();
        private bool _inWord;

        public void AddPlain(char ch)
        {
            if (char.IsWhiteSpace(ch))
            {
                EndWord();
            }
            else
            {
                AddLiteral(ch);
            }
        }

        public void AddLiteral(char ch)
        {
            _word.Append(ch);
            _inWord = true;
        }

        public void AddExpanded(string value)
        {
            foreach (var ch in value)
            {
                AddPlain(ch);
            }
        }

        public void AddQuoted(string value)
        {
            _word.Append(value);
            _inWord = true;
        }

        public List<string> Finish()
        {
            EndWord();
            return _fields;
        }

        private void EndWord()
        {
            if (_inWord && _word.Length > 0)
            {
                _fields.Add(_word.ToString());
            }

            _word.Clear();
            _inWord = false;
        }
    }
}
