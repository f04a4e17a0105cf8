using System.Text;

namespace Minato.Engine.Images.Registry;

/// <summary>Credentials for one registry host. <see cref="ToString"/> never shows secrets.</summary>
public sealed record RegistryCredential(string? Username, string? Password, string? IdentityToken = null, string? RegistryToken = null)
{
    /// <summary>True when username and password are both set.</summary>
    public bool HasPassword => !string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password);

    /// <summary>Builds from the CRI AuthConfig fields; <paramref name="auth"/> is base64 <c>user:password</c>. Null when all are empty.</summary>
    public static RegistryCredential? From(string? username, string? password, string? auth, string? identityToken, string? registryToken)
    {
        if (!string.IsNullOrEmpty(auth) && string.IsNullOrEmpty(username))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException e)
            {
                throw new Errors.InvalidInputException("auth is not base64 of user:password", e);
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new Errors.InvalidInputException("auth is not base64 of user:password");
            }

            (username, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }

        var credential = new RegistryCredential(NullIfEmpty(username), NullIfEmpty(password), NullIfEmpty(identityToken), NullIfEmpty(registryToken));
        return credential is { Username: null, Password: null, IdentityToken: null, RegistryToken: null } ? null : credential;
    }

    /// <summary>A stable key for token caches that does not reveal the secret.</summary>
    public string CacheKey => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        Encoding.UTF8.GetBytes($"{Username}\0{Password}\0{IdentityToken}\0{RegistryToken}")));

    public override string ToString() => $"RegistryCredential({Username ?? "(token)"})";

    /// <summary>Normalises a server address (<c>https://index.docker.io/v1/</c>, <c>host:port/path</c>) to the host it names.</summary>
    public static string HostOf(string serverAddress)
    {
        var host = serverAddress.Trim();
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        host = host.Split('/')[0];
        return host is "index.docker.io" or "registry-1.docker.io" ? ImageReference.DockerHub : host;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
