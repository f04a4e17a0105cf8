using System.Collections.Concurrent;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Registry;
using Minato.Engine.Images.Store;

namespace Minato.Engine.Images.Pull;

/// <summary>Pulls images from registries: resolution through registries.conf, credentials, shared identical pulls.</summary>
/// <remarks>The registries configuration and credentials come from <see cref="RegistrySettings"/>, read at the start of
/// each pull, so a reload applies to the next pull without a restart.</remarks>
public sealed class ImagePuller(
    RegistryClient client, RegistrySettings settings, ImageUnpacker unpacker, ImageOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SharedPull> running = new(StringComparer.Ordinal);

    /// <summary>A puller with a fixed configuration (tests, tools).</summary>
    public ImagePuller(
        RegistryClient client, RegistriesConfig registries, CredentialStore credentials, ImageUnpacker unpacker, ImageOptions options,
        TimeProvider time)
        : this(client, new RegistrySettings(registries, credentials), unpacker, options, time)
    {
    }

    /// <summary>
    /// Pulls <paramref name="reference"/>. An identical pull already running (same reference and credentials) is
    /// joined instead of started again; it is cancelled only when every caller has given up on it.
    /// </summary>
    /// <remarks>CRI credentials bind to <c>credentialHost</c>, by default the reference's registry.</remarks>
    public async Task<ImageRecord> PullAsync(
        ImageReference reference, RegistryCredential? credential, string? credentialHost, Action<PullProgress>? onStart,
        CancellationToken cancellationToken)
    {
        var key = $"{reference}\n{credential?.CacheKey}\n{credentialHost}";
        while (true)
        {
            var pull = running.GetOrAdd(key, _ => new SharedPull());
            if (!pull.TryJoin())
            {
                // That pull is winding down after its last caller left; start a fresh one.
                running.TryRemove(new KeyValuePair<string, SharedPull>(key, pull));
                continue;
            }

            pull.Start(ct => RunAsync(reference, credential, credentialHost, pull.Progress, ct), () => running.TryRemove(new KeyValuePair<string, SharedPull>(key, pull)));
            onStart?.Invoke(pull.Progress);
            try
            {
                var image = await pull.Task.WaitAsync(cancellationToken);
                Pulled?.Invoke(reference, image);
                return image;
            }
            finally
            {
                pull.Leave();
            }
        }
    }

    /// <summary>Raised for each caller whose pull succeeded (a joined pull counts once per caller, as a request would).</summary>
    public event Action<ImageReference, ImageRecord>? Pulled;

    /// <summary>The progress of a running pull of <paramref name="reference"/> by any caller, if one is running.</summary>
    public PullProgress? Find(ImageReference reference) =>
        running.Where(p => p.Key.StartsWith(reference + "\n", StringComparison.Ordinal)).Select(p => p.Value.Progress).FirstOrDefault();

    private async Task<ImageRecord> RunAsync(
        ImageReference reference, RegistryCredential? credential, string? credentialHost, PullProgress progress, CancellationToken cancellationToken)
    {
        using var watchdog = new StallWatchdog(options.StallTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watchdog.Token);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Exception? failure = null;
        Diagnostics.EngineMeter.ImagePullsInFlight.Add(1);
        var (registries, credentials) = settings.Read();
        try
        {
            Exception? last = null;
            foreach (var candidate in registries.Candidates(reference))
            {
                foreach (var endpoint in registries.Endpoints(candidate))
                {
                    var source = new RegistrySource(client, endpoint, CredentialFor(credentials, endpoint, candidate, credential, credentialHost));
                    ResolvedImage resolved;
                    try
                    {
                        resolved = await ResolveAsync(source, candidate, linked.Token);
                    }
                    catch (RegistryException e) when (e.Failure is not RegistryFailure.Blocked)
                    {
                        // Mirrors and search registries are tried in order; the last error is the one reported.
                        last = e;
                        continue;
                    }

                    var names = NamesFor(candidate, resolved);
                    return await unpacker.UnpackAsync(resolved, source, names, progress, watchdog, linked.Token);
                }
            }

            throw last ?? new RegistryException(RegistryFailure.NotFound, $"{reference}: no registry to pull from");
        }
        catch (OperationCanceledException) when (watchdog.HasStalled && !cancellationToken.IsCancellationRequested)
        {
            failure = watchdog.Failure($"pulling {reference}");
            throw failure;
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            Diagnostics.EngineMeter.ImagePullsInFlight.Add(-1);
            Diagnostics.EngineMeter.PullFinished(started, failure);
        }
    }

    private static async Task<ResolvedImage> ResolveAsync(RegistrySource source, ImageReference reference, CancellationToken cancellationToken)
    {
        var top = await source.GetManifestAsync(reference.ManifestReference, reference.Digest, null, cancellationToken);
        if (!MediaTypes.IsIndex(top.MediaType))
        {
            return new ResolvedImage(top, null);
        }

        var chosen = PlatformMatcher.Host.Choose(top.Document.Manifests!, top.Digest);
        var digest = Digest.Parse(chosen.Digest);
        if (chosen.Size is < 0 or > ManifestParser.MaxManifestBytes)
        {
            throw new Content.SizeLimitExceededException($"Manifest {digest}", ManifestParser.MaxManifestBytes);
        }

        var manifest = await source.GetManifestAsync(digest.ToString(), digest, chosen.MediaType, cancellationToken);
        if (!MediaTypes.IsManifest(manifest.MediaType) || manifest.Bytes.Length != chosen.Size)
        {
            throw new UnsupportedImageException($"index {top.Digest} entry {digest} is not an image manifest of {chosen.Size} bytes");
        }

        return new ResolvedImage(manifest, top);
    }

    /// <summary>The tag (for tag pulls) and the repo digest of what was pulled: the index when there was one.</summary>
    private static List<string> NamesFor(ImageReference reference, ResolvedImage resolved)
    {
        var top = resolved.Index?.Digest ?? resolved.Manifest.Digest;
        var names = new List<string> { $"{reference.Name}@{top}" };
        if (reference.TaggedName is { } tagged)
        {
            names.Insert(0, tagged);
        }

        return names;
    }

    // CRI credentials belong to one host (the reference's, unless server_address names another); the credentials
    // file covers the hosts it lists. Nothing is sent to a host that has none of its own.
    private static RegistryCredential? CredentialFor(
        CredentialStore credentials, RegistryEndpoint endpoint, ImageReference reference, RegistryCredential? given, string? givenHost)
    {
        var host = RegistryCredential.HostOf(endpoint.Host);
        var boundTo = string.IsNullOrEmpty(givenHost) ? reference.Registry : RegistryCredential.HostOf(givenHost);
        return given is not null && boundTo == host ? given : credentials.For(host);
    }
}
