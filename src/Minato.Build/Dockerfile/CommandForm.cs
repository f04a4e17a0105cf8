namespace Minato.Build.Dockerfile;

/// <summary>A command as RUN, CMD, ENTRYPOINT or HEALTHCHECK write it: exec form (a JSON array) or shell form (text).</summary>
/// <param name="IsExec">True for the JSON exec form.</param>
/// <param name="Arguments">The JSON array's strings in exec form; empty in shell form.</param>
/// <param name="Shell">The text in shell form (continuations joined); empty in exec form.</param>
public sealed record CommandForm(bool IsExec, IReadOnlyList<string> Arguments, string Shell);
