using Minato.Engine.Errors;

namespace Minato.Build;

/// <summary>A build step failed: a RUN exited non-zero, or an instruction could not be carried out.</summary>
public sealed class BuildFailedException : InvalidInputException
{
    public BuildFailedException(string message, int? exitCode = null, IReadOnlyList<string>? lastOutput = null)
        : base(message)
    {
        ExitCode = exitCode;
        LastOutput = lastOutput ?? [];
    }

    public BuildFailedException()
    {
        LastOutput = [];
    }

    public BuildFailedException(string message)
        : this(message, null, null)
    {
    }

    public BuildFailedException(string message, Exception inner)
        : base(message, inner)
    {
        LastOutput = [];
    }

    /// <summary>The RUN command's exit code; null for other failures.</summary>
    public int? ExitCode { get; }

    /// <summary>The last lines the failed RUN printed (at most 20).</summary>
    public IReadOnlyList<string> LastOutput { get; }
}
