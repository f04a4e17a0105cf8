namespace Minato.Build.Dockerfile;

/// <summary>Parses Dockerfiles with Docker's rules: directives, continuations, heredocs, exec and shell forms, every instruction's flags.</summary>
public static class DockerfileParser
{
    /// <summary>Parses a whole Dockerfile.</summary>
    /// <exception cref="DockerfileSyntaxException">The text does not parse; the message names the line.</exception>
    public static DockerfileDocument Parse(string text) => throw new NotImplementedException();

    /// <summary>Parses one ONBUILD trigger of a base image (the text as stored in the image config).</summary>
    /// <exception cref="DockerfileSyntaxException">The trigger does not parse or is not allowed as a trigger.</exception>
    public static Instruction ParseTrigger(string triggerText, char escape) => throw new NotImplementedException();
}
