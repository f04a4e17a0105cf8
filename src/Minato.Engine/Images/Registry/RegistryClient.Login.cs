using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Minato.Engine.Images.Registry;

/// <summary>Checking credentials against a registry's <c>/v2/</c>, as a login does before it stores them.</summary>
public sealed partial class RegistryClient
{
    /// <summary>
    /// Succeeds when <paramref name="credential"/> gets <c>GET /v2/</c> a success from the registry of
    /// <paramref name="endpoint"/>: directly with Basic, or with a token fetched without a scope from a Bearer realm.
    /// </summary>
    /// <exception cref="RegistryException"><see cref="RegistryFailure.Unauthorized"/> when the registry or its token
    /// service refuses the credentials; <see cref="RegistryFailure.Unavailable"/> when it cannot be reached.</exception>
    public async Task LoginAsync(RegistryEndpoint endpoint, RegistryCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        var scheme = await SchemeAsync(endpoint, cancellationToken);
        var uri = new Uri($"{scheme}://{endpoint.Host}/v2/");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = Request(uri, []);
            try
            {
                request.Headers.Authorization = await LoginAuthorizationAsync(endpoint, credential, cancellationToken);
            }
            catch (RegistryException e) when (e.Failure == RegistryFailure.Unauthorized)
            {
                throw new RegistryException(RegistryFailure.Unauthorized, $"login attempt to {uri} failed with status: 401 Unauthorized ({e.Message})", e);
            }

            using var response = await SendAsync(InvokerFor(endpoint), request, endpoint, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                throw new RegistryException(RegistryFailure.Unavailable, $"login attempt to {uri} failed with status: {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            // Sent without credentials because the challenge was not known yet: learn it and try once more.
            if (request.Headers.Authorization is not null || !Remember(endpoint.Host, response))
            {
                break;
            }
        }

        throw new RegistryException(RegistryFailure.Unauthorized, $"login attempt to {uri} failed with status: 401 Unauthorized");
    }

    private async Task<AuthenticationHeaderValue?> LoginAuthorizationAsync(
        RegistryEndpoint endpoint, RegistryCredential credential, CancellationToken cancellationToken)
    {
        if (!challenges.TryGetValue(endpoint.Host, out var challenge))
        {
            return null;
        }

        if (challenge.IsBasic)
        {
            return credential.HasPassword
                ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")))
                : null;
        }

        if (credential.RegistryToken is { } given)
        {
            return new AuthenticationHeaderValue("Bearer", given);
        }

        var token = await FetchTokenAsync(endpoint, challenge, "", credential, cancellationToken);
        return new AuthenticationHeaderValue("Bearer", token.Token);
    }
}
