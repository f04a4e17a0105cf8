namespace Minato.Docker.Http;

/// <summary>A request path split into its optional <c>/vX.Y</c> prefix and the route path behind it.</summary>
/// <param name="Version">The version asked for; <see cref="ApiVersion.Current"/> when the path names none.</param>
/// <param name="Route">The path without the prefix, starting with '/'.</param>
public sealed record VersionedPath(ApiVersion Version, string Route)
{
    private static readonly global::System.Buffers.SearchValues<char> VersionCharacters = global::System.Buffers.SearchValues.Create("0123456789.");

    /// <summary>
    /// Splits <paramref name="path"/>. A first segment <c>v</c> followed by digits and dots is a version prefix, as in
    /// dockerd's router; one that is not a version (<c>/v1..2/</c>) is refused with a message.
    /// </summary>
    /// <exception cref="DockerApiException">400: the version is malformed, older than the minimum or newer than the newest.</exception>
    public static VersionedPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length < 3 || !path.StartsWith("/v", StringComparison.Ordinal))
        {
            return new VersionedPath(ApiVersion.Current, path);
        }

        var end = path.IndexOf('/', 2);
        var text = end < 0 ? path.AsSpan(2) : path.AsSpan(2, end - 2);
        if (text.IsEmpty || text.ContainsAnyExcept(VersionCharacters))
        {
            return new VersionedPath(ApiVersion.Current, path);
        }

        if (!ApiVersion.TryParse(text, out var version))
        {
            throw DockerApiException.BadRequest($"invalid API version \"{Shorten(text)}\": expected major.minor, e.g. {ApiVersion.Current}");
        }

        if (version < ApiVersion.Minimum)
        {
            throw DockerApiException.BadRequest(
                $"client version {text} is too old. Minimum supported API version is {ApiVersion.Minimum}, please upgrade your client to a newer version");
        }

        if (version > ApiVersion.Current)
        {
            throw DockerApiException.BadRequest($"client version {text} is too new. Maximum supported API version is {ApiVersion.Current}");
        }

        return new VersionedPath(version, end < 0 ? "/" : path[end..]);
    }

    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 20 ? text.ToString() : text[..20].ToString() + "...";
}
