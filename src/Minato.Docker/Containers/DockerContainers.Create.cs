using Minato.Docker.Http;
using Minato.Docker.Images;
using Minato.Docker.Networks;
using Minato.Engine.Containers;
using Minato.Engine.Errors;

namespace Minato.Docker.Containers;

/// <summary>Create: every check first, then the door's record (which reserves the name), then the engine's container;
/// a failure on the way removes what was made.</summary>
public sealed partial class DockerContainers
{
    private static readonly string[] RestartPolicies = ["", "no", "always", "unless-stopped", "on-failure"];

    /// <summary>Creates the container (not started).</summary>
    /// <exception cref="DockerApiException">400 bad config, 404 no such image (or network target), 409 name in use.</exception>
    public async Task<DockerContainer> CreateAsync(ContainerCreateRequest request, string? name, ImageDetails details, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(details);
        var imageName = request.Image is { Length: > 0 } i ? i : throw DockerApiException.BadRequest("Config.Image is required");
        var image = _images.Resolve(imageName) ?? throw DockerApiException.NotFound($"No such image: {imageName}");
        var host = request.HostConfig ?? new HostConfig();
        var config = request.Config();
        var checkedName = name is { Length: > 0 } ? ContainerNames.Checked(name) : ContainerNames.Generate(n => _store.Resolve(n) is not null);
        if (_store.All.FirstOrDefault(c => c.Name == checkedName) is { } holder)
        {
            throw NameConflict(checkedName, holder.Id);
        }

        var imageConfig = details.Of(image).Config.Config;
        HealthPolicy.Check(config.Healthcheck);
        config = config with { Healthcheck = HealthPolicy.Merge(config.Healthcheck, HealthPolicy.FromImage(details.Of(image))) };
        var command = DockerProcess.Command(config, imageConfig?.Entrypoint ?? [], imageConfig?.Cmd ?? []);
        var id = ContainerService.NewId();
        var container = new DockerContainer
        {
            Id = id,
            Name = checkedName,
            ImageName = imageName,
            ImageId = image.Id,
            Config = config with { Image = imageName },
            HostConfig = host,
            Endpoints = request.NetworkingConfig?.EndpointsConfig ?? [],
            Path = command[0],
            Args = command.Skip(1).ToList(),
            Created = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000,
            Directory = Path.Combine(_options.RootDirectory, "docker", "containers", id),
        };
        var runtime = host.Runtime is { Length: > 0 } r ? r : _options.DefaultRuntime;
        if (!_options.Runtimes.ContainsKey(runtime))
        {
            throw DockerApiException.BadRequest($"unknown or invalid runtime name: {runtime}");
        }

        CheckHostConfig(container);
        var networkNamespace = JoinedNetwork(host);
        _networks.Check(NetworkRequest(container));
        foreach (var source in DockerMounts.Sources(host))
        {
            PrepareSource(source);
        }

        DockerFiles.Write(container, _specs.Hostname(container), _specs.Options, _networks.HostGateway());
        try
        {
            _store.Insert(container);
        }
        catch (AlreadyExistsException)
        {
            DeleteDirectory(container.Directory);
            throw NameConflict(checkedName, _store.Resolve(checkedName)?.Id ?? "(unknown)");
        }

        try
        {
            // Config.Volumes is where the CLI puts "-v /path": anonymous volumes, like the image's own VOLUMEs.
            var anonymous = (imageConfig?.Volumes?.Keys ?? Enumerable.Empty<string>()).Concat(container.Config.Volumes?.Keys ?? Enumerable.Empty<string>());
            var volumes = AcquireVolumes(container, anonymous);
            container = Update(id, c => c with { Volumes = volumes });
            var description = new ContainerDescription(id, Owner, container.ShortName, image, runtime, string.Empty,
                config.Tty, config.OpenStdin, config.StdinOnce, rootfs => Spec(container, rootfs, networkNamespace));
            await _engine.CreateAsync(description, cancellationToken);
            try
            {
                await CopyImageContentAsync(container, cancellationToken);
            }
            catch
            {
                await _engine.RemoveAsync(id, CancellationToken.None);
                throw;
            }
        }
        catch
        {
            _volumes.ReleaseAll(id, removeAnonymous: true);
            _store.Delete(id);
            DeleteDirectory(container.Directory);
            throw;
        }

        DockerLog.ContainerCreated(_logger, id, checkedName, image.Id);
        Publish("create", container);
        return container;
    }

    private PreparedSpec Spec(DockerContainer container, ContainerRootfs rootfs, string? networkNamespace) =>
        _specs.Build(container, rootfs, networkNamespace);

    /// <summary>Named volumes (made when missing, as dockerd does) and anonymous ones (the image's VOLUMEs, <c>-v /path</c>),
    /// each recorded as used by the container; the caller releases them if the create fails.</summary>
    private List<VolumeMount> AcquireVolumes(DockerContainer container, IEnumerable<string> imageVolumes)
    {
        var mounts = new List<VolumeMount>();
        foreach (var request in DockerMounts.Volumes(container.HostConfig, imageVolumes))
        {
            var anonymous = request.Name.Length == 0;
            var name = anonymous ? _volumes.Create(null).Name : request.Name;
            mounts.Add(new VolumeMount(name, request.Destination, request.ReadOnly, _volumes.Acquire(name, container.Id), anonymous, request.NoCopy));
        }

        return mounts;
    }

    /// <summary>The checks of HostConfig that need no host state, run before anything is made.</summary>
    private void CheckHostConfig(DockerContainer container)
    {
        var host = container.HostConfig;
        var policy = host.RestartPolicy?.Name ?? string.Empty;
        if (!RestartPolicies.Contains(policy))
        {
            throw DockerApiException.BadRequest($"invalid restart policy: unknown policy '{policy}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
        }

        if (host.RestartPolicy is { MaximumRetryCount: < 0 })
        {
            throw DockerApiException.BadRequest("invalid restart policy: maximum retry count cannot be negative");
        }

        if (host.RestartPolicy?.MaximumRetryCount > 0 && policy != "on-failure")
        {
            throw DockerApiException.BadRequest($"invalid restart policy: maximum retry count can only be used with 'on-failure'");
        }

        if (host.AutoRemove && policy is not ("" or "no"))
        {
            throw DockerApiException.BadRequest("conflicting options: cannot specify both --restart and --rm");
        }

        var capabilities = DockerSecurity.CapabilitySet(host, _specs.Options);
        DockerSecurity.Options(host, capabilities, _specs.Options);
        DockerSecurity.Resources(host, [], _specs.Options);
        DockerMounts.Build(container);
        _specs.Args(container, host);
        DockerFiles.CheckExtraHosts(host.ExtraHosts ?? [], _networks.HostGateway());
        DockerFiles.CheckDns(host);
        if (container.Config.StopSignal is { Length: > 0 })
        {
            DockerSpecBuilder.StopSignal(container.Config, ImageRuntimeConfig.Empty);
        }

        if (container.Config.StopTimeout is < -1)
        {
            throw DockerApiException.BadRequest("StopTimeout must not be below -1");
        }
    }

    /// <summary>The network namespace of the container that <c>container:&lt;name|id&gt;</c> names, which must run.</summary>
    private string? JoinedNetwork(HostConfig host)
    {
        var mode = DockerSpecBuilder.NetworkMode(host);
        if (!mode.StartsWith("container:", StringComparison.Ordinal))
        {
            return null;
        }

        var target = Get(mode["container:".Length..]);
        var state = State(target);
        return state.Phase == ContainerPhase.Running
            ? $"/proc/{state.Pid}/ns/net"
            : throw DockerApiException.Conflict($"cannot join network namespace of a non running container: container {target.Id} is not running");
    }

    private static void PrepareSource(HostSource source)
    {
        if (Path.Exists(source.Path))
        {
            return;
        }

        if (!source.Create)
        {
            throw DockerApiException.BadRequest($"invalid mount config for type \"bind\": bind source path does not exist: {source.Path}");
        }

        // dockerd makes a missing host directory of a -v bind.
        Directory.CreateDirectory(source.Path);
    }

    private static ContainerNetworkRequest NetworkRequest(DockerContainer container) => new(
        container.Id,
        container.ShortName,
        container.HostConfig.NetworkMode ?? string.Empty,
        container.Endpoints.ToDictionary(e => e.Key, e => new EndpointRequest(e.Value?.Aliases ?? [], e.Value?.IPAMConfig?.IPv4Address ?? string.Empty)),
        DockerPorts.Publications(container.Config, container.HostConfig),
        container.Config.Hostname is { Length: > 0 } hostname ? hostname : container.Id[..12],
        container.HostsPath,
        container.ModeNetworkDetached);

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
