namespace Minato.Build.Dockerfile;

/// <summary>One instruction's text after joining continuations, with the here-documents that followed it.</summary>
/// <param name="Line">1-based line of the keyword.</param>
/// <param name="Text">The joined text, comments and continuation characters removed.</param>
/// <param name="Heredocs">Here-documents read after the line, in order.</param>
internal sealed record LogicalLine(int Line, string Text, IReadOnlyList<Heredoc> Heredocs);
