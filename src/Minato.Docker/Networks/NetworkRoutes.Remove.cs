using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Engine.Errors;

namespace Minato.Docker.Networks;

/// <summary><c>DELETE /networks/{id}</c> and <c>POST /networks/prune</c>.</summary>
public sealed partial class NetworkRoutes
{
    private async Task RemoveAsync(DockerRequest request)
    {
        var network = Resolve(request.Route("id"));
        if (network.IsPredefined)
        {
            throw new DockerApiException(StatusCodes.Status403Forbidden, $"{network.Name} is a pre-defined network and cannot be removed");
        }

        try
        {
            await bridges.RemoveAsync(network.Id, request.Aborted);
        }
        catch (PreconditionException e)
        {
            // dockerd answers 403 Forbidden while endpoints are attached.
            throw new DockerApiException(StatusCodes.Status403Forbidden, e.Message, e);
        }

        await request.WriteStatusAsync(StatusCodes.Status204NoContent);
    }

    private async Task PruneAsync(DockerRequest request)
    {
        var filters = request.Filters();
        filters.Validate("label", "label!", "until");
        var until = Until(filters.Get("until"));
        var deleted = new List<string>();
        foreach (var network in All().Where(n => !n.IsPredefined && IsDangling(n)))
        {
            if (!filters.Get("label").All(l => HasLabel(network, l)) || filters.Get("label!").Any(l => HasLabel(network, l)) ||
                until is { } limit && network.Created >= limit)
            {
                continue;
            }

            try
            {
                await bridges.RemoveAsync(network.Id, request.Aborted);
                deleted.Add(network.Name);
            }
            catch (Exception e) when (e is PreconditionException or NotFoundException)
            {
                // A container joined it, or another call removed it, since the listing: not pruned, as dockerd.
            }
        }

        await request.WriteJsonAsync(new NetworkPruneResponse(deleted), NetworkJson.Default.NetworkPruneResponse);
    }

    /// <summary>The <c>until</c> filter: Unix seconds (fractions allowed) or an RFC 3339 time; the last one given wins.</summary>
    private static DateTimeOffset? Until(IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var text = values[^1];
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTimeOffset.UnixEpoch.AddSeconds(seconds);
        }

        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw DockerApiException.BadRequest($"invalid filter 'until={text}'");
    }
}
