using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Fixtures;

/// <summary>A plain HttpClient pull client for the fixture tests: answers a Basic or Bearer challenge once, with or
/// without credentials (test-side reference, deliberately simple and separate from the product's client).</summary>
internal sealed class RegistryHttp(RegistryFixture registry, RegistryCredentials? credentials) : IDisposable
{
    public const string ManifestAccept =
        MediaTypes.OciIndex + ", " + MediaTypes.OciManifest + ", " + MediaTypes.DockerManifestList + ", " + MediaTypes.DockerManifest;

    private readonly HttpClient _http = new() { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>GETs a <c>/v2/</c> path of <paramref name="repository"/>, authenticating when challenged.</summary>
    public async Task<HttpResponseMessage> GetAsync(string path, string repository, string accept = ManifestAccept)
    {
        var response = await SendAsync(path, accept, authorization: null);
        if (response.StatusCode != HttpStatusCode.Unauthorized || response.Headers.WwwAuthenticate.FirstOrDefault() is not { } challenge)
        {
            return response;
        }

        response.Dispose();
        var authorization = challenge.Scheme switch
        {
            "Basic" when credentials is not null => credentials.BasicHeader,
            "Bearer" => await FetchTokenAsync(challenge, repository) is { } token ? new AuthenticationHeaderValue("Bearer", token) : null,
            _ => null,
        };
        return authorization is null ? await SendAsync(path, accept, null) : await SendAsync(path, accept, authorization);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Parses <c>key="value"</c> pairs of a challenge's parameter string.</summary>
    public static Dictionary<string, string> ChallengeParameters(AuthenticationHeaderValue challenge) =>
        (challenge.Parameter ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('"'), StringComparer.Ordinal);

    private async Task<HttpResponseMessage> SendAsync(string path, string accept, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.Authorization = authorization;
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private async Task<string?> FetchTokenAsync(AuthenticationHeaderValue challenge, string repository)
    {
        var parameters = ChallengeParameters(challenge);
        var scope = parameters.GetValueOrDefault("scope") ?? $"repository:{repository}:pull";
        var uri = $"{parameters["realm"]}?service={Uri.EscapeDataString(parameters["service"])}&scope={Uri.EscapeDataString(scope)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = credentials?.BasicHeader;
        using var response = await _http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("token").GetString();
    }
}
