using Minato.Docker.Http;
using Minato.Engine.Containers;

namespace Minato.Docker.Containers;

/// <summary><c>GET /containers/json</c> and <c>GET /containers/{id}/json</c>.</summary>
public sealed partial class ContainerRoutes
{
    private async Task ListAsync(DockerRequest request)
    {
        var filters = request.Filters();
        filters.Validate([.. ContainerFilters.ListFilters, "health"]);
        var health = HealthFilter(filters);
        var all = request.QueryBool("all");
        var limit = QueryInt(request, "limit") ?? -1;
        var size = request.QueryBool("size");
        var now = time.GetUtcNow();
        var rows = new List<ContainerSummary>();

        // Newest first, as dockerd lists them.
        foreach (var (container, state) in containers.List().Concat(containers.PodView.List()).OrderBy(r => r.State.CreatedAt).Reverse())
        {
            var stateName = ContainerViews.StateName(container, state);
            if ((!all && limit <= 0 && state.Phase != ContainerPhase.Running && filters.Get("status").Count == 0 && filters.Get("exited").Count == 0) ||
                !ContainerFilters.Matches(filters, container, state, stateName) ||
                (health.Count > 0 && !health.Contains(containers.Health.Status(container.Id))))
            {
                continue;
            }

            rows.Add(new ContainerSummary
            {
                Id = container.Id,
                Names = [container.Name],
                Image = container.ImageName,
                ImageID = container.ImageId,
                Command = ContainerViews.Command(container),
                Created = state.CreatedAt / 1_000_000_000,
                Ports = ContainerViews.Ports(container),
                SizeRw = size ? LayerBytes(state) : null,
                SizeRootFs = size ? LayerBytes(state) : null,
                Labels = container.Config.Labels ?? [],
                State = stateName,
                Status = ContainerViews.StatusText(container, state, now) + HealthSuffix(container, stateName),
                HostConfig = new SummaryHostConfig(container.HostConfig.NetworkMode is { Length: > 0 } mode ? mode : "bridge"),
                NetworkSettings = new SummaryNetworkSettings(ContainerViews.Networks(container)),
                Mounts = ContainerViews.Mounts(container),
            });
            if (limit > 0 && rows.Count >= limit)
            {
                break;
            }
        }

        await request.WriteJsonAsync(rows, DockerJson.Default.ListContainerSummary);
    }

    private async Task InspectAsync(DockerRequest request)
    {
        var (container, state) = Viewed(request);
        var stateName = ContainerViews.StateName(container, state);
        var size = request.QueryBool("size");
        var inspect = new ContainerInspect
        {
            Id = container.Id,
            Created = ContainerViews.Time(state.CreatedAt),
            Path = container.Path,
            Args = container.Args,
            State = new ContainerState
            {
                Status = stateName,
                Running = state.Phase == ContainerPhase.Running,
                Paused = stateName == "paused",
                Restarting = stateName == "restarting",
                OOMKilled = state.Reason == "OOMKilled",
                Pid = state.Phase == ContainerPhase.Running ? state.Pid : 0,
                ExitCode = state.Phase == ContainerPhase.Exited ? state.ExitCode : 0,
                Error = state.Phase == ContainerPhase.Exited ? state.Message : string.Empty,
                StartedAt = ContainerViews.Time(state.StartedAt),
                FinishedAt = ContainerViews.Time(state.FinishedAt),
                Health = containers.Health.Get(container.Id),
            },
            Image = container.ImageId,
            ResolvConfPath = container.ResolvConfPath,
            HostnamePath = container.HostnamePath,
            HostsPath = container.HostsPath,
            LogPath = state.LogPath,
            Name = container.Name,
            RestartCount = container.RestartCount,
            ExecIDs = null,
            HostConfig = container.HostConfig,
            GraphDriver = new Images.GraphDriver("overlay2", new Dictionary<string, string>
            {
                ["MergedDir"] = state.RootfsPath,
                ["UpperDir"] = Path.Combine(state.LayerDirectory, "upper"),
                ["WorkDir"] = Path.Combine(state.LayerDirectory, "work"),
            }),
            SizeRw = size ? LayerBytes(state) : null,
            SizeRootFs = size ? LayerBytes(state) : null,
            Mounts = ContainerViews.Mounts(container),
            Config = container.Config,
            NetworkSettings = NetworkSettings(container),
        };
        await request.WriteJsonAsync(inspect, DockerJson.Default.ContainerInspect);
    }

    /// <summary>The <c>health</c> filter's values, checked.</summary>
    private static IReadOnlyList<string> HealthFilter(Filters filters)
    {
        var values = filters.Get("health");
        return values.FirstOrDefault(v => v is not ("starting" or "healthy" or "unhealthy" or "none")) is { } bad
            ? throw DockerApiException.BadRequest($"Unrecognised filter value for health: {bad}")
            : values;
    }

    /// <summary>ps's health after <c>Up ...</c>: <c> (health: starting)</c>, <c> (healthy)</c>, <c> (unhealthy)</c>.</summary>
    private string HealthSuffix(DockerContainer container, string stateName) =>
        stateName != "running" ? string.Empty : containers.Health.Status(container.Id) switch
        {
            "starting" => " (health: starting)",
            "healthy" => " (healthy)",
            "unhealthy" => " (unhealthy)",
            _ => string.Empty,
        };

    /// <summary>The writable layer's size; a sandbox has none (it is not an engine container).</summary>
    private long LayerBytes(ContainerRecord state) =>
        state.Owner == Pods.PodContainerView.SandboxOwner ? 0 : (long)engine.Usage(state).LayerBytes;

    private static InspectNetworkSettings NetworkSettings(DockerContainer container)
    {
        var networks = ContainerViews.Networks(container);
        var first = networks.Values.FirstOrDefault(n => n.IPAddress.Length > 0);
        var ports = new Dictionary<string, IReadOnlyList<PortBinding>?>(StringComparer.Ordinal);
        foreach (var port in ContainerViews.Ports(container))
        {
            var key = $"{port.PrivatePort}/{port.Type}";
            if (port.PublicPort == 0)
            {
                ports.TryAdd(key, null);
                continue;
            }

            var bindings = ports.TryGetValue(key, out var existing) && existing is not null ? existing.ToList() : [];
            bindings.Add(new PortBinding { HostIp = port.IP, HostPort = port.PublicPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            ports[key] = bindings;
        }

        return new InspectNetworkSettings
        {
            Ports = ports,
            Gateway = first?.Gateway ?? string.Empty,
            IPAddress = first?.IPAddress ?? string.Empty,
            IPPrefixLen = first?.IPPrefixLen ?? 0,
            MacAddress = first?.MacAddress ?? string.Empty,
            Networks = networks,
        };
    }
}
