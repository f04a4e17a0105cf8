using System.Net;
using System.Net.Http.Headers;

namespace Minato.Engine.Images.Registry;

/// <summary>The push half of <see cref="RegistryClient"/>: blob checks, cross-repository mounts, uploads, manifest PUTs.</summary>
/// <remarks>
/// Every request asks for <c>pull,push</c> on the target repository (and <c>pull</c> on a mount's source). Upload
/// locations the registry hands out must stay on the registry's own host and scheme: credentials never follow one
/// elsewhere.
/// </remarks>
public sealed partial class RegistryClient
{
    /// <summary>True when the repository already holds blob <paramref name="digest"/> (<c>HEAD /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>).</summary>
    public async Task<bool> BlobExistsAsync(RegistryEndpoint endpoint, RegistryCredential? credential, Digest digest, CancellationToken cancellationToken)
    {
        var path = $"blobs/{digest}";
        using var response = await SendAuthorizedAsync(
            HttpMethod.Head, endpoint, credential, await RepositoryUriAsync(endpoint, path, cancellationToken), PushScope(endpoint), null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        // A redirect to storage means the blob is there.
        if (IsRedirect(response.StatusCode))
        {
            return true;
        }

        await EnsureSuccessAsync(response, endpoint, path, cancellationToken);
        return true;
    }

    /// <summary>
    /// Asks the registry to mount blob <paramref name="digest"/> from repository <paramref name="from"/> on the same host;
    /// null when it did, else the upload session it opened instead (a registry may decline any mount).
    /// </summary>
    public async Task<Uri?> MountBlobAsync(
        RegistryEndpoint endpoint, RegistryCredential? credential, Digest digest, string from, CancellationToken cancellationToken)
    {
        var path = $"blobs/uploads/?mount={Uri.EscapeDataString(digest.ToString())}&from={Uri.EscapeDataString(from)}";
        var scope = $"{PushScope(endpoint)} repository:{from}:pull";
        using var response = await SendAuthorizedAsync(
            HttpMethod.Post, endpoint, credential, await RepositoryUriAsync(endpoint, path, cancellationToken), scope, EmptyContent, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return null;
        }

        await EnsureSuccessAsync(response, endpoint, "blobs/uploads/", cancellationToken);
        return UploadLocation(response, endpoint);
    }

    /// <summary>Opens an upload session (<c>POST /v2/&lt;name&gt;/blobs/uploads/</c>); returns its location.</summary>
    public async Task<Uri> StartUploadAsync(RegistryEndpoint endpoint, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        const string path = "blobs/uploads/";
        using var response = await SendAuthorizedAsync(
            HttpMethod.Post, endpoint, credential, await RepositoryUriAsync(endpoint, path, cancellationToken), PushScope(endpoint), EmptyContent, cancellationToken);
        await EnsureSuccessAsync(response, endpoint, path, cancellationToken);
        return UploadLocation(response, endpoint);
    }

    /// <summary>Sends one chunk of an upload (<c>PATCH</c> with its byte range); returns the location of the next request.</summary>
    public async Task<Uri> UploadChunkAsync(
        RegistryEndpoint endpoint, RegistryCredential? credential, Uri location, long offset, long length, Func<HttpContent> content,
        CancellationToken cancellationToken)
    {
        using var response = await SendAuthorizedAsync(HttpMethod.Patch, endpoint, credential, location, PushScope(endpoint), () =>
        {
            var body = content();
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            body.Headers.ContentLength = length;
            body.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
            return body;
        }, cancellationToken);
        await EnsureSuccessAsync(response, endpoint, "blobs/uploads/ (chunk)", cancellationToken);
        return UploadLocation(response, endpoint);
    }

    /// <summary>Completes an upload with its digest (<c>PUT location?digest=</c>), sending <paramref name="content"/> (null: none left).</summary>
    public async Task CompleteUploadAsync(
        RegistryEndpoint endpoint, RegistryCredential? credential, Uri location, Digest digest, long length, Func<HttpContent>? content,
        CancellationToken cancellationToken)
    {
        var separator = string.IsNullOrEmpty(location.Query) ? "?" : "&";
        var target = new Uri(location + separator + "digest=" + Uri.EscapeDataString(digest.ToString()));
        using var response = await SendAuthorizedAsync(HttpMethod.Put, endpoint, credential, target, PushScope(endpoint), () =>
        {
            var body = content?.Invoke() ?? new ByteArrayContent([]);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            body.Headers.ContentLength = content is null ? 0 : length;
            return body;
        }, cancellationToken);
        await EnsureSuccessAsync(response, endpoint, $"blobs/uploads/ ({digest})", cancellationToken);
    }

    /// <summary>PUTs a manifest under <paramref name="reference"/> (a tag or its digest) with its own media type.</summary>
    /// <returns>The digest the registry says it stored, when it says.</returns>
    public async Task<string?> PutManifestAsync(
        RegistryEndpoint endpoint, RegistryCredential? credential, string reference, string mediaType, ReadOnlyMemory<byte> bytes,
        CancellationToken cancellationToken)
    {
        var path = $"manifests/{reference}";
        using var response = await SendAuthorizedAsync(
            HttpMethod.Put, endpoint, credential, await RepositoryUriAsync(endpoint, path, cancellationToken), PushScope(endpoint), () =>
            {
                var body = new ReadOnlyMemoryContent(bytes);
                body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return body;
            }, cancellationToken);
        await EnsureSuccessAsync(response, endpoint, path, cancellationToken);
        return response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
    }

    private static string PushScope(RegistryEndpoint endpoint) => $"repository:{endpoint.Repository}:pull,push";

    private static HttpContent EmptyContent() => new ByteArrayContent([]);

    private async Task<Uri> RepositoryUriAsync(RegistryEndpoint endpoint, string path, CancellationToken cancellationToken) =>
        new($"{await SchemeAsync(endpoint, cancellationToken)}://{endpoint.Host}/v2/{endpoint.Repository}/{path}");

    /// <summary>Sends a request with this host's credentials, once more with a fresh token after a 401 challenge.</summary>
    private async Task<HttpResponseMessage> SendAuthorizedAsync(
        HttpMethod method, RegistryEndpoint endpoint, RegistryCredential? credential, Uri uri, string scope, Func<HttpContent>? content,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            response?.Dispose();
            using var request = Request(uri, []);
            request.Method = method;
            request.Content = content?.Invoke();
            request.Headers.Authorization = await AuthorizationAsync(endpoint, credential, scope, refresh: attempt > 0, cancellationToken);
            response = await SendAsync(InvokerFor(endpoint), request, endpoint, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Unauthorized || !Remember(endpoint.Host, response))
            {
                break;
            }
        }

        return response!;
    }

    /// <summary>The upload location a response names, refused unless it stays on the registry's host and scheme.</summary>
    private Uri UploadLocation(HttpResponseMessage response, RegistryEndpoint endpoint)
    {
        var scheme = schemes.TryGetValue(endpoint.Host, out var known) ? known : "https";
        var origin = new Uri($"{scheme}://{endpoint.Host}/");
        if (response.Headers.Location is not { } location)
        {
            throw new RegistryException(RegistryFailure.Protocol, $"{endpoint.Host}: an upload answer without a Location");
        }

        var target = new Uri(origin, location);
        if (target.Scheme != origin.Scheme || target.Authority != origin.Authority)
        {
            throw new RegistryException(RegistryFailure.Protocol,
                $"{endpoint.Host}: the upload location {target.GetLeftPart(UriPartial.Authority)} is on another host; credentials are only sent to {endpoint.Host}");
        }

        return target;
    }
}
