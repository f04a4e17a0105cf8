namespace Minato.Build.Context;

/// <summary>Unpacks a build context sent as a (possibly compressed) tar stream, refusing anything that would escape it.</summary>
public static class BuildContext
{
    /// <summary>Extracts <paramref name="body"/> into <paramref name="directory"/>, bounded to <paramref name="maxBytes"/>.</summary>
    /// <exception cref="Minato.Engine.Errors.InvalidInputException">An entry is unsafe or the stream is not a tar.</exception>
    /// <exception cref="Minato.Engine.Errors.StorageLimitException">The context is larger than allowed.</exception>
    public static Task ExtractAsync(Stream body, string directory, long maxBytes, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
