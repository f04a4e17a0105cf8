using System.Text.RegularExpressions;
using Minato.Docker.Http;

namespace Minato.Docker.Images;

/// <summary><c>GET /images/json</c> with dockerd's filters.</summary>
public sealed partial class ImageRoutes
{
    private static readonly string[] ListFilters = ["reference", "dangling", "label", "before", "since"];

    private Task ListAsync(DockerRequest request)
    {
        var filters = request.Filters();
        filters.Validate(ListFilters);
        var dangling = filters.Bool("dangling");
        var references = filters.Get("reference");
        var labels = filters.Get("label");
        var before = filters.Get("before").Select(r => details.Of(Resolve(r)).CreatedUnix).DefaultIfEmpty(long.MaxValue).Min();
        var since = filters.Get("since").Select(r => details.Of(Resolve(r)).CreatedUnix).DefaultIfEmpty(long.MinValue).Max();
        var result = new List<ImageSummary>();
        foreach (var image in images.All)
        {
            var summary = summaries.Summarize(image, request.Version);
            if (dangling is { } d && d != (image.RepoTags.Count == 0) || summary.Created >= before || summary.Created <= since ||
                !labels.All(l => HasLabel(summary.Labels, l)))
            {
                continue;
            }

            if (references.Count > 0)
            {
                // dockerd shows only the tags the pattern matched, and leaves out images none matched.
                var tags = summary.RepoTags.Where(t => references.Any(p => Matches(p, t))).ToList();
                if (tags.Count == 0)
                {
                    continue;
                }

                summary = summary with { RepoTags = tags };
            }

            result.Add(summary);
        }

        result.Sort((a, b) => b.Created != a.Created ? b.Created.CompareTo(a.Created) : string.CompareOrdinal(a.Id, b.Id));
        return request.WriteJsonAsync(result, DockerJson.Default.ListImageSummary);
    }

    private static bool HasLabel(IReadOnlyDictionary<string, string> labels, string filter)
    {
        var equals = filter.IndexOf('=', StringComparison.Ordinal);
        return equals < 0
            ? labels.ContainsKey(filter)
            : labels.TryGetValue(filter[..equals], out var value) && value == filter[(equals + 1)..];
    }

    // dockerd matches the pattern (path.Match: '*' and '?' within a path component) against "repo:tag", then "repo".
    private static bool Matches(string pattern, string familiarTag)
    {
        var regex = "^" + Regex.Escape(pattern).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$";
        var timeout = TimeSpan.FromMilliseconds(100);
        return Regex.IsMatch(familiarTag, regex, RegexOptions.CultureInvariant, timeout) ||
            Regex.IsMatch(DockerNames.Repository(familiarTag), regex, RegexOptions.CultureInvariant, timeout);
    }
}
