using System.Globalization;
using Minato.Docker.Networks;
using Minato.Engine.Containers;

namespace Minato.Docker.Containers;

/// <summary>How a container looks in ps and inspect: state names, status texts, mounts, ports and networks.</summary>
public static class ContainerViews
{
    /// <summary>Docker's state name: created, running, paused, restarting, exited.</summary>
    public static string StateName(DockerContainer container, ContainerRecord state)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(state);
        return state.Phase switch
        {
            ContainerPhase.Running when container.Paused => "paused",
            ContainerPhase.Running => "running",
            ContainerPhase.Exited when container.ExpectRunning && container.HostConfig.RestartPolicy?.Name is "always" or "unless-stopped" or "on-failure" => "restarting",
            ContainerPhase.Exited => "exited",
            _ => "created",
        };
    }

    /// <summary>ps's status text: <c>Up 3 seconds</c>, <c>Exited (3) 2 minutes ago</c>, <c>Created</c>.</summary>
    public static string StatusText(DockerContainer container, ContainerRecord state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return StateName(container, state) switch
        {
            "running" => "Up " + Duration(now - FromNanoseconds(state.StartedAt)),
            "paused" => "Up " + Duration(now - FromNanoseconds(state.StartedAt)) + " (Paused)",
            "restarting" => $"Restarting ({state.ExitCode}) {Duration(now - FromNanoseconds(state.FinishedAt))} ago",
            "exited" when state.FinishedAt == 0 => $"Exited ({state.ExitCode})",
            "exited" => $"Exited ({state.ExitCode}) {Duration(now - FromNanoseconds(state.FinishedAt))} ago",
            _ => "Created",
        };
    }

    /// <summary>Docker's human duration, as its <c>units.HumanDuration</c> rounds.</summary>
    public static string Duration(TimeSpan span)
    {
        var seconds = (long)Math.Max(0, span.TotalSeconds);
        return seconds switch
        {
            < 1 => "Less than a second",
            1 => "1 second",
            < 60 => $"{seconds} seconds",
            _ when span.TotalMinutes < 2 => "About a minute",
            _ when span.TotalMinutes < 60 => $"{(int)span.TotalMinutes} minutes",
            _ when span.TotalHours < 2 => "About an hour",
            _ when span.TotalHours < 48 => $"{(int)span.TotalHours} hours",
            _ when span.TotalDays < 14 => $"{(int)span.TotalDays} days",
            _ when span.TotalDays < 60 => $"{(int)(span.TotalDays / 7)} weeks",
            _ when span.TotalDays < 730 => $"{(int)(span.TotalDays / 30)} months",
            _ => $"{(int)(span.TotalDays / 365)} years",
        };
    }

    /// <summary>RFC 3339 with nanoseconds, UTC, as Go prints times; the zero time when unset.</summary>
    public static string Time(long unixNanoseconds)
    {
        if (unixNanoseconds <= 0)
        {
            return "0001-01-01T00:00:00Z";
        }

        var time = FromNanoseconds(unixNanoseconds);
        var fraction = (unixNanoseconds % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + "Z";
    }

    public static DateTimeOffset FromNanoseconds(long unixNanoseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixNanoseconds / 1_000_000).AddTicks(unixNanoseconds % 1_000_000 / 100);

    /// <summary>The request's Binds, bind and tmpfs Mounts as Docker lists them.</summary>
    public static IReadOnlyList<MountPoint> Mounts(DockerContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var result = new List<MountPoint>();
        foreach (var bind in (container.HostConfig.Binds ?? []).Where(b => !DockerMounts.IsVolumeBind(b)))
        {
            var mount = DockerMounts.ParseBind(bind);
            var readOnly = mount.Options?.Contains("ro") == true;
            var mode = bind.Split(':') is [_, _, var options] ? options : string.Empty;
            result.Add(new MountPoint { Type = "bind", Source = mount.Source!, Destination = mount.Destination, Mode = mode, RW = !readOnly, Propagation = mount.Options?[1] ?? "rprivate" });
        }

        foreach (var mount in (container.HostConfig.Mounts ?? []).Where(m => m.Type != "volume"))
        {
            result.Add(new MountPoint
            {
                Type = mount.Type ?? "bind",
                Source = mount.Source ?? string.Empty,
                Destination = mount.Target ?? string.Empty,
                RW = !mount.ReadOnly,
                Propagation = mount.Type == "bind" ? "rprivate" : string.Empty,
            });
        }

        foreach (var volume in container.Volumes)
        {
            result.Add(new MountPoint
            {
                Type = "volume",
                Name = volume.Name,
                Source = volume.HostPath,
                Destination = volume.Destination,
                Driver = "local",
                RW = !volume.ReadOnly,
            });
        }

        return result;
    }

    /// <summary>The ports as ps lists them: published ones with their host side, exposed ones alone.</summary>
    public static IReadOnlyList<PortSummary> Ports(DockerContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var published = container.Network.Ports.Select(p => new PortSummary
        {
            IP = p.HostIp.Length > 0 ? p.HostIp : "0.0.0.0",
            PrivatePort = p.ContainerPort,
            PublicPort = p.HostPort,
            Type = p.Protocol,
        }).ToList();
        foreach (var key in (IEnumerable<string>?)container.Config.ExposedPorts?.Keys ?? [])
        {
            var (port, protocol) = DockerPorts.Parse(key);
            if (!published.Any(p => p.PrivatePort == port && p.Type == protocol))
            {
                published.Add(new PortSummary { PrivatePort = port, Type = protocol });
            }
        }

        return published;
    }

    /// <summary>Endpoints by network name; the mode's own name (none, host) when it has no endpoint.</summary>
    public static IReadOnlyDictionary<string, EndpointSummary> Networks(DockerContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container.Network.Endpoints.Count > 0)
        {
            return container.Network.Endpoints.ToDictionary(e => e.NetworkName, Endpoint, StringComparer.Ordinal);
        }

        // Not connected: the networks it joins at its next start, with the aliases asked (compose reads them before starting).
        var mode = DockerSpecBuilder.NetworkMode(container.HostConfig);
        var configured = new Dictionary<string, EndpointSummary>(StringComparer.Ordinal);
        if (!mode.StartsWith("container:", StringComparison.Ordinal) && !container.ModeNetworkDetached)
        {
            configured[mode] = new EndpointSummary { Aliases = AliasesFor(container, mode) };
        }

        foreach (var (name, settings) in container.Endpoints)
        {
            var key = ContainerNetworks.NormalMode(name);
            if (!configured.ContainsKey(key) && !(key == mode && container.ModeNetworkDetached))
            {
                configured[key] = new EndpointSummary { Aliases = settings?.Aliases };
            }
        }

        return configured;
    }

    private static List<string>? AliasesFor(DockerContainer container, string network) =>
        container.Endpoints.FirstOrDefault(e => ContainerNetworks.NormalMode(e.Key) == network).Value?.Aliases;

    private static EndpointSummary Endpoint(ConnectedEndpoint e) => new()
    {
        Aliases = e.Aliases,
        NetworkID = e.NetworkId,
        EndpointID = e.EndpointId,
        Gateway = e.Gateway,
        IPAddress = e.IPAddress,
        IPPrefixLen = e.IPPrefixLen,
        MacAddress = e.MacAddress,
    };

    /// <summary>ps's command column: the path and arguments, space-joined (the CLI quotes and truncates it).</summary>
    public static string Command(DockerContainer container) =>
        string.Join(' ', new[] { container.Path }.Concat(container.Args));
}
