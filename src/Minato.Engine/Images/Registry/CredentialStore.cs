using System.Text.Json;
using System.Text.Json.Serialization;

namespace Minato.Engine.Images.Registry;

/// <summary>Registry credentials from a file in the containers-auth.json(5) / Docker <c>config.json</c> format.</summary>
/// <remarks>Only <c>auths</c> is read (no credential helpers). Keys are host[:port], optionally with a scheme or path.</remarks>
public sealed class CredentialStore
{
    private readonly IReadOnlyDictionary<string, RegistryCredential> byHost;

    private CredentialStore(IReadOnlyDictionary<string, RegistryCredential> byHost) => this.byHost = byHost;

    /// <summary>No credentials.</summary>
    public static CredentialStore Empty { get; } = new(new Dictionary<string, RegistryCredential>());

    /// <summary>Reads <paramref name="path"/>; an error names the file.</summary>
    public static CredentialStore Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var file = JsonSerializer.Deserialize(stream, CredentialJsonContext.Default.AuthFile);
            var byHost = new Dictionary<string, RegistryCredential>(StringComparer.Ordinal);
            foreach (var (key, entry) in file?.Auths ?? [])
            {
                var credential = RegistryCredential.From(entry.Username, entry.Password, entry.Auth, entry.IdentityToken, entry.RegistryToken);
                if (credential is not null)
                {
                    byHost[RegistryCredential.HostOf(key)] = credential;
                }
            }

            return new CredentialStore(byHost);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or Errors.InvalidInputException)
        {
            throw new Errors.InvalidInputException($"{path}: cannot read registry credentials: {e.Message}", e);
        }
    }

    /// <summary>The credentials for <paramref name="host"/>, or null.</summary>
    public RegistryCredential? For(string host) => byHost.GetValueOrDefault(host);

    /// <summary>Hosts with credentials, for diagnostics.</summary>
    public IEnumerable<string> Hosts => byHost.Keys;
}

/// <summary>The <c>auths</c> map of an auth file.</summary>
internal sealed record AuthFile
{
    [JsonPropertyName("auths")]
    public Dictionary<string, AuthFileEntry>? Auths { get; init; }
}

/// <summary>One host's entry in an auth file.</summary>
internal sealed record AuthFileEntry
{
    [JsonPropertyName("auth")]
    public string? Auth { get; init; }

    [JsonPropertyName("username")]
    public string? Username { get; init; }

    [JsonPropertyName("password")]
    public string? Password { get; init; }

    [JsonPropertyName("identitytoken")]
    public string? IdentityToken { get; init; }

    [JsonPropertyName("registrytoken")]
    public string? RegistryToken { get; init; }
}

/// <summary>Source-generated JSON for auth files and token responses.</summary>
[JsonSerializable(typeof(AuthFile))]
[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class CredentialJsonContext : JsonSerializerContext;

/// <summary>A token endpoint's answer (Docker token spec: <c>token</c> or <c>access_token</c>).</summary>
internal sealed record TokenResponse
{
    [JsonPropertyName("token")]
    public string? Token { get; init; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("expires_in")]
    public int? ExpiresIn { get; init; }

    [JsonPropertyName("issued_at")]
    public DateTimeOffset? IssuedAt { get; init; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; init; }
}
