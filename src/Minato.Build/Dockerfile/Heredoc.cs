namespace Minato.Build.Dockerfile;

/// <summary>A here-document attached to RUN, COPY or ADD (<c>&lt;&lt;EOF</c> ... <c>EOF</c>).</summary>
/// <param name="Name">The delimiter word without quotes (for COPY it is the source file's name).</param>
/// <param name="Content">The lines between the instruction and the delimiter, each ending in a newline; leading tabs already stripped when <paramref name="Chomp"/>.</param>
/// <param name="Expand">True when the delimiter was unquoted, so variables in the content are expanded.</param>
/// <param name="Chomp">True for <c>&lt;&lt;-</c>, which strips leading tabs from each line.</param>
public sealed record Heredoc(string Name, string Content, bool Expand, bool Chomp);
