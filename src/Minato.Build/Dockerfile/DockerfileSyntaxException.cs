using Minato.Engine.Errors;

namespace Minato.Build.Dockerfile;

/// <summary>A Dockerfile (or a word in it) does not parse; the message starts <c>Dockerfile parse error on line N:</c> when the line is known.</summary>
public sealed class DockerfileSyntaxException : InvalidInputException
{
    public DockerfileSyntaxException(int line, string problem)
        : base($"Dockerfile parse error on line {line}: {problem}")
    {
        Line = line;
    }

    public DockerfileSyntaxException(string message)
        : base(message)
    {
    }

    public DockerfileSyntaxException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public DockerfileSyntaxException()
    {
    }

    /// <summary>The 1-based line the error is on; 0 when not tied to a line.</summary>
    public int Line { get; }
}
