using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Minato.Engine.Images.Registry;

/// <summary>The authentication half of <see cref="RegistryClient"/>: Basic, and Bearer tokens from the challenged realm.</summary>
public sealed partial class RegistryClient
{
    private const int MaxTokenResponseBytes = 1 << 20;

    /// <summary>Tokens are treated as expired this long before the registry says, so a request never carries a dying one.</summary>
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);

    private async Task<AuthenticationHeaderValue?> AuthorizationAsync(
        RegistryEndpoint endpoint, RegistryCredential? credential, string? scope, bool refresh, CancellationToken cancellationToken)
    {
        if (!challenges.TryGetValue(endpoint.Host, out var challenge))
        {
            return null;
        }

        if (challenge.IsBasic)
        {
            return credential is { HasPassword: true }
                ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")))
                : null;
        }

        if (credential?.RegistryToken is { } given)
        {
            return new AuthenticationHeaderValue("Bearer", given);
        }

        // Pulls ask for pull on their repository; pushes for pull,push and, to mount, pull on the source (space-separated).
        scope ??= $"repository:{endpoint.Repository}:pull";
        var key = $"{endpoint.Host}\n{challenge.Realm}\n{challenge.Service}\n{scope}\n{credential?.CacheKey}";
        if (!refresh && tokens.TryGetValue(key, out var cached) && cached.ExpiresAt > time.GetUtcNow())
        {
            return new AuthenticationHeaderValue("Bearer", cached.Token);
        }

        var token = await FetchTokenAsync(endpoint, challenge, scope, credential, cancellationToken);
        tokens[key] = token;
        return new AuthenticationHeaderValue("Bearer", token.Token);
    }

    private async Task<CachedToken> FetchTokenAsync(
        RegistryEndpoint endpoint, AuthChallenge challenge, string scope, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        // The realm comes from this host's own challenge; it may receive this host's credentials, nothing else may.
        if (!Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm) || realm.Scheme is not ("https" or "http") ||
            realm.Scheme == "http" && !endpoint.AllowsPlainHttp || !string.IsNullOrEmpty(realm.UserInfo))
        {
            throw new RegistryException(RegistryFailure.Protocol, $"{endpoint.Host}: unusable token realm \"{challenge.Realm}\"");
        }

        var query = new StringBuilder(realm.Query.Length > 0 ? realm.Query[1..] + "&" : "");
        if (challenge.Service is { } service)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }

        // A login asks for no scope: the token only proves the credentials.
        if (scope.Length > 0)
        {
            query.AppendJoin('&', scope.Split(' ').Select(s => "scope=" + Uri.EscapeDataString(s)));
        }
        else if (query.Length > 0)
        {
            query.Length--;
        }

        var target = new UriBuilder(realm) { Query = query.ToString() }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        if (credential?.IdentityToken is { } refreshToken)
        {
            // OAuth2 refresh-token grant, as Docker's identity tokens require.
            request.Method = HttpMethod.Post;
            request.RequestUri = realm;
            request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
                ["service"] = challenge.Service ?? "",
                ["scope"] = scope,
                ["client_id"] = "minato",
            });
        }
        else if (credential is { HasPassword: true })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
        }

        using var response = await SendAsync(verified, request, endpoint, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new RegistryException(RegistryFailure.Unauthorized,
                $"{endpoint.Host}: the token service {realm.GetLeftPart(UriPartial.Path)} refused {(credential is null ? "anonymous access" : "the credentials")} for {scope}");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new RegistryException(RegistryFailure.Unavailable, $"{endpoint.Host}: token service answered {(int)response.StatusCode}");
        }

        return await ReadTokenAsync(response, endpoint, cancellationToken);
    }

    private async Task<CachedToken> ReadTokenAsync(HttpResponseMessage response, RegistryEndpoint endpoint, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxTokenResponseBytes + 1];
        var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        TokenResponse? parsed = null;
        try
        {
            parsed = length <= MaxTokenResponseBytes
                ? JsonSerializer.Deserialize(buffer.AsSpan(0, length), CredentialJsonContext.Default.TokenResponse)
                : null;
        }
        catch (JsonException)
        {
        }

        var token = parsed?.Token is { Length: > 0 } t ? t : parsed?.AccessToken;
        if (string.IsNullOrEmpty(token))
        {
            throw new RegistryException(RegistryFailure.Protocol, $"{endpoint.Host}: the token service answered without a token");
        }

        // The token spec: expires_in defaults to 60 seconds, and clients should assume at least that.
        var lifetime = TimeSpan.FromSeconds(Math.Max(parsed!.ExpiresIn ?? 60, 60));
        var now = time.GetUtcNow();
        var issued = now;
        return new CachedToken(token, issued + lifetime - ExpiryMargin);
    }

    /// <summary>A bearer token and when it stops being used.</summary>
    private sealed record CachedToken(string Token, DateTimeOffset ExpiresAt)
    {
        public override string ToString() => $"CachedToken(expires {ExpiresAt:O})";
    }
}
