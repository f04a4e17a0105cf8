namespace Minato.Build.Dockerfile;

/// <summary>One build stage: a FROM and the instructions up to the next FROM.</summary>
/// <remarks>Index: 0-based position of the stage in the file (what <c>COPY --from=0</c> names). Name: The <c>AS</c> name, lower-cased as Docker compares it; null when the stage has none.</remarks>
public sealed record BuildStage(int Index, string? Name, FromInstruction From, IReadOnlyList<Instruction> Instructions);
