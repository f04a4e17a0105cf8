using Minato.Docker.Http;

namespace Minato.Docker.Networks;

/// <summary><c>GET /networks</c> with dockerd's filters, and <c>GET /networks/{id}</c>.</summary>
public sealed partial class NetworkRoutes
{
    private async Task ListAsync(DockerRequest request)
    {
        var filters = request.Filters();
        filters.Validate("name", "id", "driver", "label", "type", "dangling", "scope");
        foreach (var type in filters.Get("type"))
        {
            if (type is not ("custom" or "builtin"))
            {
                throw DockerApiException.BadRequest($"invalid filter: 'type'='{type}'");
            }
        }

        var dangling = filters.Bool("dangling");
        var list = All().Where(n =>
            Any(filters.Get("name"), v => n.Name.Contains(v, StringComparison.Ordinal)) &&
            Any(filters.Get("id"), v => n.Id.StartsWith(v, StringComparison.Ordinal)) &&
            Any(filters.Get("driver"), v => n.Driver == v) &&
            Any(filters.Get("scope"), v => v == "local") &&
            Any(filters.Get("type"), v => v == (n.IsPredefined ? "builtin" : "custom")) &&
            filters.Get("label").All(l => HasLabel(n, l)) &&
            (dangling is null || dangling == IsDangling(n)))
            .Select(n => Shape(n, withContainers: false))
            .ToList();
        await request.WriteJsonAsync(list, NetworkJson.Default.ListNetworkResource);
    }

    private async Task InspectAsync(DockerRequest request)
    {
        var network = Resolve(request.Route("id"));
        await request.WriteJsonAsync(Shape(network, withContainers: true), NetworkJson.Default.NetworkResource);
    }

    /// <summary>True when no value is given or one of them matches (values of one filter are OR-ed, filters AND-ed).</summary>
    private static bool Any(IReadOnlyList<string> values, Func<string, bool> match) => values.Count == 0 || values.Any(match);

    /// <summary><c>key</c> or <c>key=value</c> against the network's labels.</summary>
    private static bool HasLabel(DockerNetwork network, string filter)
    {
        var labels = network.Bridge?.Labels ?? new Dictionary<string, string>();
        var equals = filter.IndexOf('=', StringComparison.Ordinal);
        return equals < 0
            ? labels.ContainsKey(filter)
            : labels.TryGetValue(filter[..equals], out var value) && value == filter[(equals + 1)..];
    }

    /// <summary>A user network no container is on (predefined networks are never dangling).</summary>
    private bool IsDangling(DockerNetwork network) => !network.IsPredefined && bridges.EndpointsOn(network.Id).Count == 0;
}
