namespace Minato.Build.Dockerfile;

/// <summary>Parses Dockerfiles with Docker's rules: directives, continuations, heredocs, exec and shell forms, every instruction's flags.</summary>
public static class DockerfileParser
{
    /// <summary>The largest Dockerfile accepted, in characters.</summary>
    public const int MaxLength = 4 << 20;

    /// <summary>The longest instruction accepted after joining its continuation lines, in characters.</summary>
    public const int MaxLineLength = 1 << 20;

    /// <summary>Parses a whole Dockerfile.</summary>
    /// <exception cref="DockerfileSyntaxException">The text does not parse; the message names the line.</exception>
    public static DockerfileDocument Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new DockerfileSyntaxException($"Dockerfile parse error: the Dockerfile is larger than {MaxLength >> 20} MiB");
        }

        var warnings = new List<string>();
        var (escape, lines) = DockerfileLines.Split(text, warnings);
        var globalArgs = new List<ArgInstruction>();
        var stages = new List<BuildStage>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        FromInstruction? from = null;
        var body = new List<Instruction>();
        foreach (var line in lines)
        {
            var instruction = InstructionParser.Parse(line, escape);
            switch (instruction)
            {
                case FromInstruction next:
                    if (from is not null)
                    {
                        stages.Add(new BuildStage(stages.Count, from.Name, from, body));
                        body = [];
                    }

                    if (next.Name is { } name && !names.TryAdd(name, next.Line))
                    {
                        throw new DockerfileSyntaxException(next.Line, $"duplicate stage name \"{name}\" (first used on line {names[name]})");
                    }

                    from = next;
                    break;
                case ArgInstruction arg when from is null:
                    globalArgs.Add(arg);
                    break;
                case var other when from is null:
                    throw new DockerfileSyntaxException(other.Line, $"no build stage in current context: {Keyword(other)} comes before the first FROM (only ARG may)");
                default:
                    body.Add(instruction);
                    break;
            }
        }

        if (from is null)
        {
            throw new DockerfileSyntaxException(lines.Count == 0
                ? "Dockerfile parse error: the Dockerfile has no instructions"
                : "Dockerfile parse error: the Dockerfile has no FROM instruction");
        }

        stages.Add(new BuildStage(stages.Count, from.Name, from, body));
        return new DockerfileDocument(escape, globalArgs, stages, warnings);
    }

    /// <summary>Parses one ONBUILD trigger of a base image (the text as stored in the image config).</summary>
    /// <exception cref="DockerfileSyntaxException">The trigger does not parse or is not allowed as a trigger.</exception>
    public static Instruction ParseTrigger(string triggerText, char escape)
    {
        ArgumentNullException.ThrowIfNull(triggerText);
        if (triggerText.Length > MaxLineLength || triggerText.Contains('\n', StringComparison.Ordinal))
        {
            throw new DockerfileSyntaxException($"the base image's ONBUILD trigger is not a single line of at most {MaxLineLength >> 10} KiB");
        }

        try
        {
            return InstructionParser.Parse(new LogicalLine(1, "ONBUILD " + triggerText, []), escape) is OnbuildInstruction onbuild
                ? onbuild.Trigger
                : throw new InvalidOperationException("ONBUILD parsed as another instruction");
        }
        catch (DockerfileSyntaxException e)
        {
            var problem = e.Message.StartsWith("Dockerfile parse error on line 1: ", StringComparison.Ordinal)
                ? e.Message["Dockerfile parse error on line 1: ".Length..]
                : e.Message;
            throw new DockerfileSyntaxException($"the base image's ONBUILD trigger \"{triggerText}\" does not parse: {problem}", e);
        }
    }

    private static string Keyword(Instruction instruction) => instruction.Text.Split(' ', 2)[0];
}
