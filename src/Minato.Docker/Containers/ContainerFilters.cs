using System.Globalization;
using Minato.Docker.Http;
using Minato.Engine.Containers;

namespace Minato.Docker.Containers;

/// <summary>The filters of <c>GET /containers/json</c> and <c>POST /containers/prune</c>.</summary>
public static class ContainerFilters
{
    /// <summary>The filters ps accepts here.</summary>
    public static readonly string[] ListFilters = ["status", "label", "name", "id", "ancestor", "exited", "network", "volume", "before", "since"];

    private static readonly string[] States = ["created", "restarting", "running", "removing", "paused", "exited", "dead"];

    /// <summary>True when <paramref name="container"/> passes every filter of ps.</summary>
    /// <exception cref="DockerApiException">400 for an unknown status or a malformed exited value.</exception>
    public static bool Matches(Filters filters, DockerContainer container, ContainerRecord state, string stateName)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(state);
        var statuses = filters.Get("status");
        if (statuses.FirstOrDefault(s => !States.Contains(s)) is { } bad)
        {
            throw DockerApiException.BadRequest($"invalid filter 'status={bad}'");
        }

        if (statuses.Count > 0 && !statuses.Contains(stateName))
        {
            return false;
        }

        var exited = filters.Get("exited").Select(e => int.TryParse(e, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code)
            ? code : throw DockerApiException.BadRequest($"invalid filter 'exited={e}'")).ToList();
        if (exited.Count > 0 && (state.Phase != ContainerPhase.Exited || !exited.Contains(state.ExitCode)))
        {
            return false;
        }

        var names = filters.Get("name");
        if (names.Count > 0 && !names.Any(n => container.ShortName.Contains(n.TrimStart('/'), StringComparison.Ordinal)))
        {
            return false;
        }

        var ids = filters.Get("id");
        if (ids.Count > 0 && !ids.Any(i => container.Id.StartsWith(i, StringComparison.Ordinal)))
        {
            return false;
        }

        var ancestors = filters.Get("ancestor");
        if (ancestors.Count > 0 && !ancestors.Any(a => a == container.ImageName || a == container.ImageId ||
                                                       container.ImageId.StartsWith("sha256:" + a, StringComparison.Ordinal) ||
                                                       container.ImageName == a + ":latest"))
        {
            return false;
        }

        var networks = filters.Get("network");
        if (networks.Count > 0 && !networks.Any(n => OnNetwork(container, n)))
        {
            return false;
        }

        // dockerd's volume filter: a mount's volume name or its destination in the container.
        var volumes = filters.Get("volume");
        if (volumes.Count > 0 && !ContainerViews.Mounts(container).Any(m => volumes.Contains(m.Name) || volumes.Contains(m.Destination)))
        {
            return false;
        }

        return LabelsMatch(filters, container);
    }

    /// <summary>The <c>network</c> filter: a network's name, or its id (or an id prefix) while the container is connected.</summary>
    private static bool OnNetwork(DockerContainer container, string value) =>
        ContainerViews.Networks(container).Any(n => n.Key == value ||
            (n.Value.NetworkID.Length > 0 && n.Value.NetworkID.StartsWith(value, StringComparison.Ordinal)));

    /// <summary>The <c>label</c> filters: <c>key</c> or <c>key=value</c>, all must match.</summary>
    public static bool LabelsMatch(Filters filters, DockerContainer container)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(container);
        var labels = container.Config.Labels ?? [];
        return filters.Get("label").All(filter =>
        {
            var equals = filter.IndexOf('=', StringComparison.Ordinal);
            return equals < 0
                ? labels.ContainsKey(filter)
                : labels.TryGetValue(filter[..equals], out var value) && value == filter[(equals + 1)..];
        });
    }

    /// <summary>A time filter value: Unix seconds (with a fraction) or an RFC 3339 time, as Unix nanoseconds.</summary>
    public static long ParseTime(string value)
    {
        if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return (long)(seconds * 1_000_000_000m);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUnixTimeMilliseconds() * 1_000_000
            : throw DockerApiException.BadRequest($"invalid time value: {value}");
    }
}
