using System.Net.Http.Headers;
using System.Text;

namespace Minato.Testing;

/// <summary>A registry user name and password.</summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    /// <summary>The <c>Authorization: Basic</c> header value for these credentials.</summary>
    public AuthenticationHeaderValue BasicHeader => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));

    /// <summary>The <c>USER:PASSWORD</c> form skopeo's <c>--creds</c> options take.</summary>
    public string SkopeoCreds => $"{Username}:{Password}";

    /// <summary>Parses an <c>Authorization: Basic</c> value; null when it is absent or not basic.</summary>
    public static RegistryCredentials? FromBasicHeader(string? header)
    {
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : new RegistryCredentials(decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
