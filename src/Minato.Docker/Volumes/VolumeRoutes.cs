using System.Globalization;
using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Engine;
using Minato.Engine.Errors;
using Minato.Engine.Volumes;

namespace Minato.Docker.Volumes;

/// <summary><c>/volumes/...</c>: the engine's local volumes with dockerd's filters, conflicts and prune rules.</summary>
public sealed class VolumeRoutes(VolumeService volumes) : IDockerRoutes
{
    /// <summary>The label dockerd 23+ puts on volumes it named itself; prune (API 1.42+) removes only these unless <c>all</c>.</summary>
    public const string AnonymousLabel = "com.docker.volume.anonymous";

    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Get, "/volumes", ListAsync, 0),
        new(HttpMethods.Post, "/volumes/create", CreateAsync, DockerRouter.DefaultMaxBodyBytes),
        new(HttpMethods.Post, "/volumes/prune", PruneAsync, 0),
        new(HttpMethods.Get, "/volumes/{name}", InspectAsync, 0),
        new(HttpMethods.Delete, "/volumes/{name}", RemoveAsync, 0),
    ];

    /// <summary>The Docker shape of <paramref name="volume"/>; with <paramref name="usage"/> its size is counted now.</summary>
    public static Volume Describe(VolumeRecord volume, VolumeService service, bool usage = false)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(service);
        var labels = new Dictionary<string, string>(volume.Labels, StringComparer.Ordinal);
        if (volume.Anonymous)
        {
            labels.TryAdd(AnonymousLabel, "");
        }

        return new Volume
        {
            Name = volume.Name,
            Driver = volume.Driver,
            Mountpoint = volume.Mountpoint,
            CreatedAt = UnixTime.FromNanoseconds(volume.CreatedAt).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            Labels = labels,
            Options = volume.Options,
            UsageData = usage ? new VolumeUsage(service.SizeOf(volume), volume.Users.Count) : null,
        };
    }

    /// <summary>dockerd's list filters: name (substring), driver, label (<c>key</c> or <c>key=value</c>), dangling.</summary>
    internal static bool Matches(Volume volume, int users, Filters filters)
    {
        var dangling = filters.Bool("dangling");
        return (dangling is not { } d || d == (users == 0)) &&
            filters.Get("name").All(n => volume.Name.Contains(n, StringComparison.Ordinal)) &&
            filters.Get("driver").All(n => volume.Driver == n) &&
            filters.Get("label").All(l => HasLabel(volume.Labels, l)) &&
            !filters.Get("label!").Any(l => HasLabel(volume.Labels, l));
    }

    internal static bool HasLabel(IReadOnlyDictionary<string, string> labels, string filter)
    {
        var equals = filter.IndexOf('=', StringComparison.Ordinal);
        return equals < 0
            ? labels.ContainsKey(filter)
            : labels.TryGetValue(filter[..equals], out var value) && value == filter[(equals + 1)..];
    }

    private Task ListAsync(DockerRequest request)
    {
        var filters = request.Filters();
        filters.Validate("name", "driver", "label", "label!", "dangling");
        var list = volumes.All.Select(v => (Shape: Describe(v, volumes), Users: v.Users.Count))
            .Where(v => Matches(v.Shape, v.Users, filters)).Select(v => v.Shape).ToList();
        return request.WriteJsonAsync(new VolumeListResponse(list, []), DockerJson.Default.VolumeListResponse);
    }

    private async Task CreateAsync(DockerRequest request)
    {
        var body = await request.ReadJsonAsync(DockerJson.Default.VolumeCreateRequest, new VolumeCreateRequest());
        try
        {
            var created = volumes.Create(body.Name, body.Labels, body.DriverOpts, body.Driver);
            await request.WriteJsonAsync(Describe(created, volumes), DockerJson.Default.Volume, StatusCodes.Status201Created);
        }
        catch (InvalidInputException e)
        {
            throw DockerApiException.BadRequest($"create {body.Name}: {e.Message}");
        }
    }

    private Task InspectAsync(DockerRequest request)
    {
        var name = request.Route("name");
        var volume = volumes.Find(name) ?? throw NoSuchVolume(name);
        return request.WriteJsonAsync(Describe(volume, volumes), DockerJson.Default.Volume);
    }

    private Task RemoveAsync(DockerRequest request)
    {
        var name = request.Route("name");
        try
        {
            volumes.Remove(name, request.QueryBool("force"));
        }
        catch (NotFoundException)
        {
            throw NoSuchVolume(name);
        }
        catch (PreconditionException e)
        {
            throw DockerApiException.Conflict(e.Message);
        }

        return request.WriteStatusAsync(StatusCodes.Status204NoContent);
    }

    // dockerd removes unused volumes; since API 1.42 only anonymous ones unless the filter all=true is given.
    private Task PruneAsync(DockerRequest request)
    {
        var filters = request.Filters();
        filters.Validate("label", "label!", "all");
        var all = filters.Bool("all") ?? false;
        var anonymousOnly = VersionedShapes.PruneAnonymousOnly(request.Version, all);
        var removed = volumes.Prune(v =>
        {
            var shape = Describe(v, volumes);
            return (!anonymousOnly || shape.Labels.ContainsKey(AnonymousLabel)) &&
                filters.Get("label").All(l => HasLabel(shape.Labels, l)) && !filters.Get("label!").Any(l => HasLabel(shape.Labels, l));
        });
        return request.WriteJsonAsync(
            new VolumePruneResponse(removed.Count > 0 ? [.. removed.Select(r => r.Name)] : null, removed.Sum(r => r.Bytes)),
            DockerJson.Default.VolumePruneResponse);
    }

    private static DockerApiException NoSuchVolume(string name) => DockerApiException.NotFound($"get {name}: no such volume");
}
