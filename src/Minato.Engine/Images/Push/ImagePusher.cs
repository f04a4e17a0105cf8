using Minato.Engine.Errors;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Pull;
using Minato.Engine.Images.Registry;
using Minato.Engine.Images.Store;

namespace Minato.Engine.Images.Push;

/// <summary>Pushes stored images to registries (OCI distribution): blobs the registry lacks, then the manifest under the tag.</summary>
/// <remarks>
/// Each layer is checked with a HEAD first; a blob this store knows from another repository on the same registry is
/// mounted from there; anything else is uploaded, in one PUT or, above <see cref="ChunkBytes"/>, in PATCH chunks.
/// The manifest goes up byte for byte with its own media type, so the registry serves the digest the store holds.
/// After a push the image carries the repository's digest name, which lets a later push elsewhere mount its blobs.
/// </remarks>
public sealed class ImagePusher(
    RegistryClient client, RegistrySettings settings, ImageStore images, ImageOptions options, TimeProvider time)
{
    /// <summary>Blobs larger than this go up in chunks of this size.</summary>
    public const long ChunkBytes = 64L << 20;

    /// <summary>Pushes the local image named <paramref name="target"/> (a tagged reference) to its registry.</summary>
    /// <exception cref="NotFoundException">No local image has that name.</exception>
    /// <exception cref="PreconditionException">The image's manifest or a blob it lists is not kept in the content store.</exception>
    /// <exception cref="RegistryException">The registry refused or could not be reached.</exception>
    public async Task<PushResult> PushAsync(
        ImageReference target, RegistryCredential? credential, string? credentialHost, PushProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(progress);
        var tag = target.Tag ?? throw new InvalidInputException($"push of {target}: a tag is required");
        var image = images.Find(target.ToString())
            ?? throw new NotFoundException($"An image does not exist locally with the tag: {target.Name}");
        var manifest = ReadManifest(image);
        var layers = manifest.Document.Layers ?? [];
        var config = manifest.Document.Config!;
        var diffIds = image.Layers.Select(l => l.DiffId).ToList();
        foreach (var blob in layers.Append(config))
        {
            if (images.Content.SizeOf(Digest.Parse(blob.Digest)) != blob.Size)
            {
                throw new PreconditionException(
                    $"cannot push {target}: blob {blob.Digest} of its manifest is not kept in this node's content store (the layer was unpacked without keeping its compressed copy); pull the image again to push it");
            }
        }

        // One reading of the settings for the whole push: a reload meanwhile applies to the next one.
        var (registries, credentials) = settings.Read();
        var endpoint = registries.Endpoints(target).Last(e => !e.IsMirror);
        var auth = CredentialFor(target, credential, credentialHost, credentials);
        using var lease = images.Lease([.. image.Blobs]);
        progress.Resolved(target.Name, layers.Select((l, i) => (l.Digest, i < diffIds.Count ? diffIds[i] : l.Digest, l.Size)));
        using var watchdog = new StallWatchdog(options.StallTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watchdog.Token);
        try
        {
            var sources = MountSources(target);
            await Parallel.ForEachAsync(Enumerable.Range(0, layers.Count),
                new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrentDownloadsPerImage, CancellationToken = linked.Token },
                async (i, ct) => await PushLayerAsync(endpoint, auth, layers[i], progress.Layer(i), sources, watchdog, ct));
            await PushBlobAsync(endpoint, auth, config, sources, null, watchdog, linked.Token);
            var stored = await client.PutManifestAsync(endpoint, auth, tag, manifest.MediaType, manifest.Bytes, linked.Token);
            if (stored is not null && stored != manifest.Digest.ToString())
            {
                throw new RegistryException(RegistryFailure.Protocol, $"{endpoint}: stored manifest {manifest.Digest} as {stored}");
            }
        }
        catch (OperationCanceledException) when (watchdog.HasStalled && !cancellationToken.IsCancellationRequested)
        {
            throw watchdog.Failure($"pushing {target}");
        }

        await images.TagAsync(image.Id, $"{target.Name}@{manifest.Digest}", CancellationToken.None);
        return new PushResult(tag, manifest.Digest.ToString(), manifest.Bytes.Length);
    }

    private FetchedManifest ReadManifest(ImageRecord image)
    {
        var digest = Digest.Parse(image.ManifestDigest);
        if (images.Content.SizeOf(digest) is not { } size || size > ManifestParser.MaxManifestBytes)
        {
            throw new PreconditionException($"image {image.Id}: its manifest {digest} is not kept in this node's content store");
        }

        var bytes = File.ReadAllBytes(images.Content.PathOf(digest));
        var manifest = ManifestParser.Parse(bytes, digest, image.ManifestMediaType, null);
        if (!MediaTypes.IsManifest(manifest.MediaType) || manifest.Document.Config is null)
        {
            throw new PreconditionException($"image {image.Id}: {digest} is a {manifest.MediaType}, not an image manifest");
        }

        return manifest;
    }

    private async Task PushLayerAsync(
        RegistryEndpoint endpoint, RegistryCredential? auth, Descriptor blob, PushProgress.Slot slot, ILookup<string, string> sources,
        StallWatchdog watchdog, CancellationToken cancellationToken)
    {
        try
        {
            slot.State = PushLayerState.Waiting;
            var outcome = await PushBlobAsync(endpoint, auth, blob, sources, slot, watchdog, cancellationToken);
            slot.MountedFrom = outcome.MountedFrom;
            slot.State = outcome.State;
        }
        catch
        {
            slot.State = PushLayerState.Failed;
            throw;
        }
    }

    private async Task<(PushLayerState State, string? MountedFrom)> PushBlobAsync(
        RegistryEndpoint endpoint, RegistryCredential? auth, Descriptor blob, ILookup<string, string> sources, PushProgress.Slot? slot,
        StallWatchdog watchdog, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(blob.Digest);
        if (await client.BlobExistsAsync(endpoint, auth, digest, cancellationToken))
        {
            return (PushLayerState.AlreadyExists, null);
        }

        Uri? location = null;
        foreach (var from in sources[blob.Digest])
        {
            location = await client.MountBlobAsync(endpoint, auth, digest, from, cancellationToken);
            if (location is null)
            {
                return (PushLayerState.Mounted, from);
            }

            break;
        }

        location ??= await client.StartUploadAsync(endpoint, auth, cancellationToken);
        if (slot is not null)
        {
            slot.State = PushLayerState.Pushing;
        }

        void Sent(int bytes)
        {
            slot?.Add(bytes);
            watchdog.Touch();
        }

        if (blob.Size <= ChunkBytes)
        {
            await client.CompleteUploadAsync(endpoint, auth, location, digest, blob.Size,
                () => new BlobUploadContent(images.Content, digest, 0, blob.Size, Sent), cancellationToken);
            return (PushLayerState.Pushed, null);
        }

        for (long offset = 0; offset < blob.Size; offset += ChunkBytes)
        {
            var start = offset;
            var length = Math.Min(ChunkBytes, blob.Size - offset);
            location = await client.UploadChunkAsync(endpoint, auth, location, start, length,
                () => new BlobUploadContent(images.Content, digest, start, length, Sent), cancellationToken);
        }

        await client.CompleteUploadAsync(endpoint, auth, location, digest, 0, null, cancellationToken);
        return (PushLayerState.Pushed, null);
    }

    /// <summary>Repositories on the target's registry (other than the target) that images here were pulled from or pushed to, by blob.</summary>
    private ILookup<string, string> MountSources(ImageReference target)
    {
        var prefix = target.Registry + "/";
        return images.All
            .SelectMany(i => i.RepoDigests
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
                .Select(n => ImageReference.TryParse(n)?.Repository)
                .OfType<string>()
                .Where(r => r != target.Repository)
                .SelectMany(r => i.Layers.Select(l => (Blob: l.Digest, Repository: r))))
            .Distinct()
            .ToLookup(p => p.Blob, p => p.Repository, StringComparer.Ordinal);
    }

    // Credentials given with the request bind to one host (the target's, unless another is named); otherwise the
    // credentials file's entry for the target's host, if any.
    private static RegistryCredential? CredentialFor(ImageReference target, RegistryCredential? given, string? givenHost, CredentialStore credentials)
    {
        var boundTo = string.IsNullOrEmpty(givenHost) ? target.Registry : RegistryCredential.HostOf(givenHost);
        return given is not null && boundTo == target.Registry ? given : credentials.For(target.Registry);
    }
}
