using Minato.Engine.Images.Content;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Registry;

namespace Minato.Engine.Images.Pull;

/// <summary>Blobs and manifests of one repository at one registry endpoint.</summary>
public sealed class RegistrySource(RegistryClient client, RegistryEndpoint endpoint, RegistryCredential? credential) : IImageSource
{
    public string Description => endpoint.ToString();

    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        // Digest.Parse validates before the digest becomes part of a URL.
        var digest = Digest.Parse(descriptor.Digest);
        var response = await client.GetAsync(endpoint, credential, $"blobs/{digest}", [], cancellationToken);
        if (response.Content.Headers.ContentLength is { } length && length != descriptor.Size)
        {
            response.Dispose();
            throw new ContentVerificationException(digest, $"the registry announced {length} bytes, the descriptor {descriptor.Size}");
        }

        return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    /// <summary>Fetches and checks a manifest or index by tag or digest.</summary>
    public async Task<FetchedManifest> GetManifestAsync(
        string reference, Digest? expected, string? expectedType, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(endpoint, credential, $"manifests/{reference}",
            [.. MediaTypes.Accepted, MediaTypes.DockerSchema1Signed, MediaTypes.DockerSchema1], cancellationToken);
        if (response.Content.Headers.ContentLength > ManifestParser.MaxManifestBytes)
        {
            throw new SizeLimitExceededException($"Manifest {reference}", ManifestParser.MaxManifestBytes);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[ManifestParser.MaxManifestBytes + 1];
        var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (length > ManifestParser.MaxManifestBytes)
        {
            throw new SizeLimitExceededException($"Manifest {reference}", ManifestParser.MaxManifestBytes);
        }

        var bytes = buffer.AsMemory(0, length);
        var actual = Digest.Compute(bytes.Span, expected?.Algorithm ?? Digest.Sha256);
        if (expected is { } want && actual != want)
        {
            throw new ContentVerificationException(want, $"manifest from {endpoint} has digest {actual}");
        }

        // A registry that states the digest of what it served must be right about it.
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var stated) &&
            Digest.TryParse(stated.FirstOrDefault(), out var claimed) && claimed.Algorithm == actual.Algorithm && claimed != actual)
        {
            throw new ContentVerificationException(claimed, $"manifest from {endpoint} has digest {actual}");
        }

        return ManifestParser.Parse(bytes.ToArray(), actual, response.Content.Headers.ContentType?.MediaType, expectedType);
    }

    /// <summary>A response body that disposes its response.</summary>
    private sealed class ResponseStream(HttpResponseMessage response, Stream body) : PassThroughReadStream(body, leaveOpen: false)
    {
        public override int Read(Span<byte> buffer) => Inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Inner.ReadAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                response.Dispose();
            }
        }
    }
}
