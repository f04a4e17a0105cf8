namespace Minato.Build.Dockerfile;

/// <summary>A parsed Dockerfile: its escape character, the ARGs before the first FROM, its stages and the parser's notes.</summary>
/// <param name="Escape">The escape character (<c>\</c> or <c>`</c>, from the <c># escape=</c> directive).</param>
/// <param name="GlobalArgs">ARG instructions before the first FROM; only they may be used in FROM lines.</param>
/// <param name="Stages">The build stages in file order.</param>
/// <param name="Warnings">Notes for the user, such as an ignored <c># syntax=</c> directive.</param>
public sealed record DockerfileDocument(
    char Escape,
    IReadOnlyList<ArgInstruction> GlobalArgs,
    IReadOnlyList<BuildStage> Stages,
    IReadOnlyList<string> Warnings);
