using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Minato.Docker.Http;
using Minato.Engine.Images.Registry;

namespace Minato.Docker.Images;

/// <summary>Docker's <c>AuthConfig</c>, as the <c>X-Registry-Auth</c> header (base64url JSON) and <c>POST /auth</c> carry it.</summary>
public sealed record RegistryAuthConfig
{
    [JsonPropertyName("username")]
    public string? Username { get; init; }

    [JsonPropertyName("password")]
    public string? Password { get; init; }

    [JsonPropertyName("auth")]
    public string? Auth { get; init; }

    [JsonPropertyName("serveraddress")]
    public string? ServerAddress { get; init; }

    [JsonPropertyName("identitytoken")]
    public string? IdentityToken { get; init; }

    [JsonPropertyName("registrytoken")]
    public string? RegistryToken { get; init; }

    /// <summary>The engine's credential; null when nothing is set.</summary>
    public RegistryCredential? ToCredential() => RegistryCredential.From(Username, Password, Auth, IdentityToken, RegistryToken);
}

/// <summary>Decodes <c>X-Registry-Auth</c>.</summary>
public static class RegistryAuthHeader
{
    /// <summary>Longest header value read (Kestrel bounds all headers together too).</summary>
    public const int MaxLength = 16 * 1024;

    /// <summary>The credential of <paramref name="header"/>; null when the header is absent or empty (<c>{}</c>).</summary>
    /// <exception cref="DockerApiException">400: not base64url JSON of an AuthConfig, or too long.</exception>
    public static RegistryAuthConfig? Decode(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        if (header.Length > MaxLength)
        {
            throw DockerApiException.BadRequest($"X-Registry-Auth header is longer than {MaxLength} characters");
        }

        try
        {
            // The CLI sends URL-safe base64, padded or not; older clients send the standard alphabet.
            var text = header.Trim().Replace('-', '+').Replace('_', '/');
            text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
            var json = Encoding.UTF8.GetString(Convert.FromBase64String(text));
            return JsonSerializer.Deserialize(json, DockerJson.Default.RegistryAuthConfig);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw DockerApiException.BadRequest("invalid X-Registry-Auth header: expected base64url-encoded JSON of an AuthConfig");
        }
    }
}
