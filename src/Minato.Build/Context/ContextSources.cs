namespace Minato.Build.Context;

/// <summary>Resolves a COPY/ADD source pattern to files of the build context.</summary>
public static class ContextSources
{
    /// <summary>The context-relative paths (forward slashes) matching <paramref name="pattern"/> and not ignored.</summary>
    /// <exception cref="Minato.Engine.Errors.InvalidInputException">The source is outside the context or matches nothing.</exception>
    public static IReadOnlyList<string> Resolve(string contextDirectory, string pattern, DockerIgnore ignore) =>
        throw new NotImplementedException();
}
