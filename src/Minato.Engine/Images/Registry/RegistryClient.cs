using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

namespace Minato.Engine.Images.Registry;

/// <summary>HTTP client for the OCI distribution API: ping, authenticated GETs, redirects followed by hand.</summary>
/// <remarks>
/// HTTPS first; plain HTTP only for endpoints configured insecure and for the local machine. Credentials go only
/// to the endpoint's host and to the token realm that host's own 401 challenge names. Redirects (registries send
/// blob downloads to storage) are followed without any Authorization header, and a 401 from a redirect target is a
/// failure rather than a reason to authenticate there.
/// </remarks>
public sealed partial class RegistryClient : IDisposable
{
    private const int MaxRedirects = 5;
    private const int MaxErrorBodyBytes = 4096;

    private readonly HttpMessageInvoker verified;
    private readonly HttpMessageInvoker unverified;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, string> schemes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AuthChallenge> challenges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedToken> tokens = new(StringComparer.Ordinal);

    public RegistryClient(TimeProvider time)
    {
        this.time = time;
        verified = new HttpMessageInvoker(Handler(verifyTls: true));
        unverified = new HttpMessageInvoker(Handler(verifyTls: false));
    }

    /// <summary>GETs <c>/v2/&lt;repository&gt;/&lt;path&gt;</c>, authenticating as challenged and following redirects.</summary>
    /// <returns>A successful response; the caller disposes it.</returns>
    public async Task<HttpResponseMessage> GetAsync(
        RegistryEndpoint endpoint, RegistryCredential? credential, string path, IReadOnlyList<string> accept, CancellationToken cancellationToken)
    {
        var scheme = await SchemeAsync(endpoint, cancellationToken);
        var uri = new Uri($"{scheme}://{endpoint.Host}/v2/{endpoint.Repository}/{path}");
        HttpResponseMessage? response = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            response?.Dispose();
            using var request = Request(uri, accept);
            request.Headers.Authorization = await AuthorizationAsync(endpoint, credential, null, refresh: attempt > 0, cancellationToken);
            response = await SendAsync(InvokerFor(endpoint), request, endpoint, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Unauthorized || !Remember(endpoint.Host, response))
            {
                break;
            }
        }

        for (var redirects = 0; IsRedirect(response!.StatusCode); redirects++)
        {
            var target = response.Headers.Location is { } location ? new Uri(uri, location) : null;
            response.Dispose();
            if (target is null || redirects == MaxRedirects || target.Scheme is not ("https" or "http") ||
                target.Scheme == "http" && uri.Scheme == "https" && !endpoint.AllowsPlainHttp)
            {
                throw new RegistryException(RegistryFailure.Protocol, $"{endpoint.Host}: bad or too many redirects for {path}");
            }

            // No Authorization header on any redirect: the credentials belong to the registry, not to its storage.
            using var request = Request(target, accept);
            var invoker = target.Authority == endpoint.Host ? InvokerFor(endpoint) : verified;
            response = await SendAsync(invoker, request, endpoint, cancellationToken);
            uri = target;
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                response.Dispose();
                throw new RegistryException(RegistryFailure.Unauthorized,
                    $"{target.Authority} (a redirect from {endpoint.Host}) asked for credentials; they are only sent to {endpoint.Host}");
            }
        }

        await EnsureSuccessAsync(response, endpoint, path, cancellationToken);
        return response;
    }

    public void Dispose()
    {
        verified.Dispose();
        unverified.Dispose();
    }

    private async Task<string> SchemeAsync(RegistryEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (schemes.TryGetValue(endpoint.Host, out var known))
        {
            return known;
        }

        foreach (var scheme in endpoint.AllowsPlainHttp ? new[] { "https", "http" } : ["https"])
        {
            try
            {
                using var request = Request(new Uri($"{scheme}://{endpoint.Host}/v2/"), []);
                using var response = await SendAsync(InvokerFor(endpoint), request, endpoint, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    Remember(endpoint.Host, response);
                }

                schemes[endpoint.Host] = scheme;
                return scheme;
            }
            catch (RegistryException e) when (e.Failure == RegistryFailure.Unavailable && scheme == "https" && endpoint.AllowsPlainHttp)
            {
                // An insecure or local registry may speak plain HTTP only; try that next.
            }
        }

        throw new RegistryException(RegistryFailure.Unavailable, $"{endpoint.Host}: no usable scheme");
    }

    private bool Remember(string host, HttpResponseMessage response)
    {
        var challenge = response.Headers.WwwAuthenticate
            .Select(h => AuthChallenge.Parse(h.ToString()))
            .FirstOrDefault(c => c is { IsBearer: true } or { IsBasic: true });
        if (challenge is null)
        {
            return false;
        }

        challenges[host] = challenge;
        return true;
    }

    private HttpMessageInvoker InvokerFor(RegistryEndpoint endpoint) => endpoint.Insecure ? unverified : verified;

    private static async Task<HttpResponseMessage> SendAsync(
        HttpMessageInvoker invoker, HttpRequestMessage request, RegistryEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            return await invoker.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException(RegistryFailure.Unavailable, $"{endpoint.Host}: {request.RequestUri!.GetLeftPart(UriPartial.Authority)}: {e.Message}", e);
        }
    }

    private static HttpRequestMessage Request(Uri uri, IReadOnlyList<string> accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        foreach (var type in accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("minato", "0.1"));
        return request;
    }

    private static bool IsRedirect(HttpStatusCode code) => code is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, RegistryEndpoint endpoint, string path, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await ReadErrorAsync(response, cancellationToken);
        response.Dispose();
        var failure = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => RegistryFailure.Unauthorized,
            HttpStatusCode.NotFound => RegistryFailure.NotFound,
            HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError => RegistryFailure.Unavailable,
            _ => RegistryFailure.Protocol,
        };
        throw new RegistryException(failure, $"{endpoint}: {path}: {(int)response.StatusCode} {response.ReasonPhrase} {body}".TrimEnd());
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBodyBytes];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
            return new string([.. text.Where(c => !char.IsControl(c)).Take(300)]);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static SocketsHttpHandler Handler(bool verifyTls)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (!verifyTls)
        {
            // Only for registries the operator marked insecure in registries.conf.
#pragma warning disable CA5359
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        return handler;
    }
}
